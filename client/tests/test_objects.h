// Objects the client tests share: a Device-like object with every kind of
// resource (RW string, R integer, RW float, RW multiple integer, E).
#ifndef LWCL_CLIENT_TESTS_TEST_OBJECTS_H_
#define LWCL_CLIENT_TESTS_TEST_OBJECTS_H_

#include <memory>
#include <string>

#include "client/simple_object.h"

namespace lwcl::client::testing {

using lwm2m::CoapCode;

// /42, multiple instances; instance 0 populated.
inline std::unique_ptr<SimpleObject> MakeTestObject(int* executed = nullptr, std::string* exec_args = nullptr) {
  using lwm2m::DataType;
  using lwm2m::Operations;
  auto o = std::make_unique<SimpleObject>(42, true,
                                          std::vector<ResourceSpec>{
                                              {0, Operations::kReadWrite, DataType::kString, false},
                                              {1, Operations::kRead, DataType::kInteger, false},
                                              {2, Operations::kReadWrite, DataType::kFloat, false},
                                              {3, Operations::kReadWrite, DataType::kInteger, true},
                                              {4, Operations::kExecute, DataType::kNone, false},
                                              {5, Operations::kReadWrite, DataType::kOpaque, false},
                                          });
  o->AddInstance(0);
  o->Set(0, 0, std::string("hello"));
  o->Set(0, 1, int64_t{7});
  o->Set(0, 2, 1.5);
  o->SetInstance(0, 3, 0, int64_t{10});
  o->SetInstance(0, 3, 1, int64_t{11});
  o->OnExecute(4, [executed, exec_args](uint16_t, std::string_view args) {
    if (executed) ++*executed;
    if (exec_args) *exec_args = std::string(args);
    return CoapCode::kChanged;
  });
  return o;
}

}  // namespace lwcl::client::testing

#endif  // LWCL_CLIENT_TESTS_TEST_OBJECTS_H_
