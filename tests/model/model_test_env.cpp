// One torch thread for the whole model test binary: the test networks are
// tiny, and with 2 OpenMP threads libgomp's spin-waiting makes them up to
// 10x slower on a busy 2-core machine.
#include <gtest/gtest.h>

#include "model/native_model.h"

namespace {

class OneTorchThread : public ::testing::Environment {
 public:
  void SetUp() override { gloss::set_torch_threads(1); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new OneTorchThread);

}  // namespace
