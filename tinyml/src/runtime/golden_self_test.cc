#include "tinyml/runtime/golden_self_test.h"

#include "tinyml/runtime/classifier.h"

namespace lwcl::tinyml {
namespace {

bool SameOutput(Span<const int8_t> got, Span<const int8_t> want) {
  if (got.size != want.size) return false;
  for (size_t i = 0; i < got.size; ++i) {
    if (got[i] != want[i]) return false;
  }
  return true;
}

}  // namespace

Status RunGoldenSelfTest(const PackageView& package, Span<uint8_t> arena,
                         GoldenSelfTestResult* result) {
  *result = GoldenSelfTestResult();
  Classifier classifier;
  const Status init = classifier.Init(package, arena);
  if (init != Status::kOk) return init;
  result->windows = package.golden_count;
  for (size_t i = 0; i < package.golden_count; ++i) {
    const GoldenWindow w = GoldenWindowAt(package, i);
    Result r;
    const Status s = classifier.ClassifyFeatures(w.features, &r);
    ++result->checked;
    if (s != Status::kOk) return s;
    result->class_matched = r.label == w.expected_class;
    result->output_matched = SameOutput(classifier.output(), w.expected_output);
    if (!result->class_matched || !result->output_matched) {
      result->first_failure = i;
      result->got_class = r.label;
      return Status::kSelfTestFailed;
    }
  }
  return Status::kOk;
}

}  // namespace lwcl::tinyml
