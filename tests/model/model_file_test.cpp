// The native model file: round trip, and every kind of bad file gives a
// UserError naming the file (never a crash or a raw torch error).
#include <gtest/gtest.h>

#include <cstring>

#include "core/hash.h"
#include "model/captioner.h"
#include "model/native_format.h"
#include "model_test_util.h"

namespace gloss {
namespace {

using test::expect_user_error;
using test::ScratchDir;

class ModelFile : public ::testing::Test {
 protected:
  void SetUp() override {
    good_ = dir_ / "good.gloss";
    test::tiny_model().save(good_);
    bytes_ = test::read_bytes(good_);
  }
  // Writes `bytes` to a file named `name` and expects load_captioner to fail
  // with a UserError naming it (and containing `needle`).
  void expect_bad(const std::string& name, const std::string& bytes, const std::string& needle) {
    SCOPED_TRACE(name);
    const auto path = dir_ / name;
    test::write_bytes(path, bytes);
    expect_user_error([&] { load_captioner(path); }, {path.string(), needle});
    expect_user_error([&] { NativeModel::load(path); }, {path.string()});
  }
  ScratchDir dir_{"file"};
  std::filesystem::path good_;
  std::string bytes_;
};

TEST_F(ModelFile, GoodFileLoadsAndIdIsContentHash) {
  auto captioner = load_captioner(good_);
  EXPECT_EQ(captioner->id(), hash_hex(content_hash(bytes_)));
  EXPECT_EQ(captioner->id().size(), 16u);
  EXPECT_NE(captioner->describe().find("native cnn-lstm"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "good.gloss.tmp"));
  NativeModelFile file = read_native_model_file(good_);
  EXPECT_EQ(file.meta["kind"], "gloss-captioner");
  EXPECT_EQ(file.meta["preprocess"]["image_size"], 32);
  EXPECT_EQ(file.meta["vocab"][1], "<start>");
}

TEST_F(ModelFile, MissingFile) {
  const auto path = dir_ / "nope.gloss";
  expect_user_error([&] { load_captioner(path); }, {path.string(), "not found"});
}

TEST_F(ModelFile, EmptyFile) { expect_bad("empty.gloss", "", "empty"); }

TEST_F(ModelFile, TruncatedAtSeveralPoints) {
  for (std::size_t cut : {std::size_t{3}, std::size_t{8}, std::size_t{12}, std::size_t{16},
                          std::size_t{20}, std::size_t{40}, bytes_.size() / 2, bytes_.size() - 9,
                          bytes_.size() - 1})
    expect_bad("cut" + std::to_string(cut) + ".gloss", bytes_.substr(0, cut), "truncated");
  // Extra bytes after the end are damage too.
  expect_bad("long.gloss", bytes_ + "x", "damaged");
}

TEST_F(ModelFile, PngIsNotAModel) {
  expect_bad("image.gloss", encode_png(test::solid_image(4, 4, 1, 2, 3)), "PNG");
}

TEST_F(ModelFile, WrongMagic) {
  std::string bytes = bytes_;
  bytes[5] = 'X';
  expect_bad("magic.gloss", bytes, "not a gloss model");
  expect_bad("text.gloss", "hello world, not a model", "not a gloss model");
}

TEST_F(ModelFile, NewerVersion) {
  std::string bytes = bytes_;
  bytes[8] = static_cast<char>(kNativeFormatVersion + 1);
  expect_bad("newer.gloss", bytes, "newer");
}

TEST_F(ModelFile, CorruptedWeightsFailChecksum) {
  std::string bytes = bytes_;
  bytes[bytes.size() - 100] ^= 0x55;
  expect_bad("flipped.gloss", bytes, "checksum");
}

TEST_F(ModelFile, ZipThatIsNotTorchScript) {
  expect_bad("fake.pt", std::string("PK\x03\x04", 4) + std::string(200, '\0'), "TorchScript");
}

TEST_F(ModelFile, MetadataNotMatchingWeights) {
  // Re-encode with a valid checksum but a hidden size the weights lack.
  NativeModelFile file = decode_native_model(bytes_, "x");
  file.meta["arch"]["hidden"] = 33;
  expect_bad("shape.gloss", encode_native_model(file), "shape");
  file = decode_native_model(bytes_, "x");
  file.meta["arch"]["hidden"] = "many";
  expect_bad("type.gloss", encode_native_model(file), "metadata");
  file = decode_native_model(bytes_, "x");
  file.meta["vocab"] = {"a", "b"};
  expect_bad("vocab.gloss", encode_native_model(file), "vocabulary");
  file = decode_native_model(bytes_, "x");
  file.weights = "PK not really a zip";
  expect_bad("weights.gloss", encode_native_model(file), "weights");
  // Found by fuzz_model_header: a "kind" that is not a string threw json's type_error.
  for (const nlohmann::json& kind : {nlohmann::json::object({{"channels", false}}), nlohmann::json(7),
                                     nlohmann::json::array()}) {
    file = decode_native_model(bytes_, "x");
    file.meta["kind"] = kind;
    expect_bad("kind.gloss", encode_native_model(file), "does not describe a captioner");
  }
}

TEST_F(ModelFile, DirectoryIsNotAModel) {
  expect_user_error([&] { load_captioner(dir_.path()); }, {dir_.path().string()});
}

TEST(DefaultModelPath, EnvironmentWins) {
  ::setenv("GLOSS_MODEL", "/some/where/model.gloss", 1);
  EXPECT_EQ(default_model_path(), std::filesystem::path("/some/where/model.gloss"));
  ::unsetenv("GLOSS_MODEL");
  const auto path = default_model_path();
  EXPECT_EQ(path.filename(), "default.gloss");
  EXPECT_EQ(path.parent_path().filename(), "models");
}

}  // namespace
}  // namespace gloss
