// LabelledCheck: the part of a package's self-test that asks whether it does
// worse than the running model on the windows this device holds with a true
// label (/33652 instances whose Assigned Label a person, the server or an
// oracle wrote). Golden windows prove the device runs the network as the
// trainer did; these prove the network suits this device's own data.
//
// Promises:
// - both models classify the same stored raw features: the running one with
//   the normalisation in force (a re-normalised device is scored as it runs),
//   the candidate with its package's;
// - a label is matched by name, so a candidate with another label order or
//   more classes is scored fairly; a labelled window whose class the
//   candidate lacks counts as one it gets wrong;
// - windows are compared only when the candidate reads the same features
//   (same DSP, stride and feature count); otherwise `comparable` is false,
//   `why_not` says so, and nothing is held against the candidate;
// - Regresses is true when the candidate gets more than
//   floor(margin x windows) fewer windows right than the running model.
#ifndef LWCL_DEVICE_LABELLED_CHECK_H_
#define LWCL_DEVICE_LABELLED_CHECK_H_

#include <cstddef>
#include <string>

#include "device/pattern_detector.h"
#include "tinyml/learn/sample_buffer.h"

namespace lwcl::device {

struct LabelledScore {
  bool comparable = true;
  std::string why_not;          // when not comparable
  size_t windows = 0;           // labelled windows scored
  size_t running_correct = 0;   // of them, classified as labelled by the running model
  size_t candidate_correct = 0; // ... and by the candidate
};

// `running` classifies through its own classifier (its last_result() is the
// last stored window's afterwards, until the next window).
LabelledScore ScoreLabelled(PatternDetector& running, PatternDetector& candidate,
                            const tinyml::SampleBuffer& samples);

bool Regresses(const LabelledScore& score, double margin);

// "5 of 8 labelled windows right (the running model: 7)".
std::string Describe(const LabelledScore& score);

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_LABELLED_CHECK_H_
