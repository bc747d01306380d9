// Sensor table: the part every structured recording format shares, a list of
// axes ({name, units}) and rows of values, turned into a Recording.
//
// Edge Impulse acquisition files (`sensors` + `values`) and LwCL recordings
// (`axes` + `values`) differ only in key names and in where the rate lives,
// so both go through here and validate the same way: every row has one
// number per axis, accelerometer units are converted to g, and any other
// units (a gyroscope's "dps", Edge Impulse's "N/A") are kept as they are.
// Errors are DatasetErrors naming the source and the offending row.
#ifndef LWCL_TRAIN_SENSOR_TABLE_H_
#define LWCL_TRAIN_SENSOR_TABLE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "train/dataset.h"

namespace lwcl::train {

// `axes` is an array of {name, units}; `values` an array of rows. The key
// names are only used in messages ("payload.sensors", "payload.values").
// Fills source, axes, axis_units and samples; rate, label and category are
// the caller's.
Recording RecordingFromSensorTable(const nlohmann::json& axes, const nlohmann::json& values,
                                   const std::string& source, const std::string& axes_key,
                                   const std::string& values_key);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_SENSOR_TABLE_H_
