// The TorchScript adapter: token-for-token parity with Python on modules
// exported by models/export_torchscript.py, and clear errors for modules that
// break the contract. Skipped when /usr/bin/python3 cannot import torch.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "model/captioner.h"
#include "model_test_util.h"

namespace gloss {
namespace {

using test::expect_user_error;
using test::ScratchDir;

const char* const kPython = "/usr/bin/python3";

bool python_has_torch() {
  static const bool ok =
      std::system((std::string(kPython) + " -c 'import torch, torchvision' >/dev/null 2>&1").c_str()) == 0;
  return ok;
}

int run(const std::string& command) {
  const std::string full = command + " >" + (testing::TempDir() + "gloss-ts-last.log") + " 2>&1";
  const int rc = std::system(full.c_str());
  if (rc != 0) std::cerr << "command failed (" << rc << "): " << command << "\n"
                         << test::read_bytes(testing::TempDir() + "gloss-ts-last.log");
  return rc;
}

std::string exporter() { return std::string(GLOSS_SOURCE_DIR) + "/models/export_torchscript.py"; }

#define SKIP_WITHOUT_PYTHON_TORCH() \
  if (!python_has_torch()) GTEST_SKIP() << kPython << " cannot import torch/torchvision"

TEST(TorchScript, TokenParityWithPython) {
  SKIP_WITHOUT_PYTHON_TORCH();
  ScratchDir dir("parity");
  // Three images at the module's size (no resize) and two that gloss resizes
  // (the exporter re-implements resize_bilinear bit for bit).
  std::vector<Image> images = {test::noise_image(32, 32, 5), test::split_image(32, 32, {255, 0, 0}, {0, 0, 255}),
                               test::solid_image(32, 32, 30, 200, 90), test::noise_image(50, 37, 6),
                               test::noise_image(17, 40, 7)};
  std::string paths;
  for (std::size_t i = 0; i < images.size(); ++i) {
    write_png(dir / ("p" + std::to_string(i) + ".png"), images[i]);
    paths += " " + (dir / ("p" + std::to_string(i) + ".png")).string();
  }
  const auto module = dir / "random.pt", ref = dir / "ref.json";
  ASSERT_EQ(run(std::string(kPython) + " " + exporter() +
                " --random --calibrate --resnet 18 --image-size 32 --embed 64 --hidden 96 --seed 5"
                " --vocab-words a,red,green,blue,square,circle,on,the,left,right --out " +
                module.string() + " --check-images" + paths + " --check-out " + ref.string()),
            0);
  const auto expected = nlohmann::json::parse(test::read_bytes(ref));
  auto captioner = load_captioner(module, {.beam = 1, .max_len = 20, .threads = 1});
  EXPECT_EQ(captioner->id().size(), 16u);
  EXPECT_NE(captioner->describe().find("torchscript"), std::string::npos);
  const auto captions = captioner->caption(test::pointers(images));
  ASSERT_EQ(captions.size(), images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& e = expected["images"][i];
    EXPECT_EQ(captions[i].tokens, e["tokens"].get<std::vector<std::int64_t>>()) << "image " << i;
    EXPECT_EQ(captions[i].text, e["text"].get<std::string>()) << "image " << i;
    EXPECT_EQ(captions[i].log_prob, e["log_prob"].get<float>()) << "image " << i;
  }
}

// Writes a Python file that scripts a module with `body` as its class body
// and saves it to `out`.
int script_module(const ScratchDir& dir, const std::string& body, const std::filesystem::path& out) {
  const std::string py =
      "import torch\nfrom typing import List, Tuple\n"
      "class M(torch.nn.Module):\n" + body +
      "torch.jit.script(M()).save('" + out.string() + "')\n";
  test::write_bytes(dir / "make.py", py);
  return run(std::string(kPython) + " " + (dir / "make.py").string());
}

const char* const kAttributes =
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.vocab = ['<pad>', '<start>', '<end>', '<unk>', 'x']\n"
    "        self.image_size = 16\n"
    "        self.mean = [0.5, 0.5, 0.5]\n"
    "        self.std = [0.25, 0.25, 0.25]\n";

const char* const kGoodGenerate =
    "    @torch.jit.export\n"
    "    def generate(self, images: torch.Tensor, max_len: int) -> Tuple[torch.Tensor, torch.Tensor]:\n"
    "        b = images.size(0)\n"
    "        t = torch.tensor([4, 4, 2], dtype=torch.long).repeat(b, 1)\n"
    "        return t, torch.full([b], -1.5)\n";

TEST(TorchScript, HandWrittenModuleFollowingTheContract) {
  SKIP_WITHOUT_PYTHON_TORCH();
  ScratchDir dir("hand");
  ASSERT_EQ(script_module(dir, std::string(kAttributes) + kGoodGenerate, dir / "ok.pt"), 0);
  auto captioner = load_captioner(dir / "ok.pt");
  Image img = test::solid_image(8, 8, 1, 2, 3);
  auto c = captioner->caption({&img});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].text, "x x");
  EXPECT_EQ(c[0].tokens, (std::vector<std::int64_t>{4, 4}));
  EXPECT_FLOAT_EQ(c[0].log_prob, -1.5f);
  EXPECT_FLOAT_EQ(c[0].mean_log_prob, -0.5f);  // 3 scored tokens incl. <end>
}

TEST(TorchScript, ContractViolationsAreUserErrors) {
  SKIP_WITHOUT_PYTHON_TORCH();
  ScratchDir dir("contract");
  const std::string attrs = kAttributes;
  auto without = [&](const std::string& line) {
    std::string s = attrs;
    s.erase(s.find(line), line.size());
    return s;
  };
  struct Case {
    std::string name, body, needle;
  };
  const std::vector<Case> cases = {
      {"nogenerate", attrs + "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n        return x\n",
       "generate"},
      {"novocab", without("        self.vocab = ['<pad>', '<start>', '<end>', '<unk>', 'x']\n") + kGoodGenerate,
       "vocab"},
      {"nosize", without("        self.image_size = 16\n") + kGoodGenerate, "image_size"},
      {"nomean", without("        self.mean = [0.5, 0.5, 0.5]\n") + kGoodGenerate, "mean"},
      {"noend",
       attrs + "        self.vocab = ['<pad>', '<start>', '<unk>', 'x']\n" + kGoodGenerate, "<end>"},
      {"floattokens",
       attrs + "    @torch.jit.export\n"
               "    def generate(self, images: torch.Tensor, max_len: int) -> Tuple[torch.Tensor, torch.Tensor]:\n"
               "        b = images.size(0)\n"
               "        return torch.zeros(b, 3), torch.zeros(b)\n",
       "int64"},
      {"badbatch",
       attrs + "    @torch.jit.export\n"
               "    def generate(self, images: torch.Tensor, max_len: int) -> Tuple[torch.Tensor, torch.Tensor]:\n"
               "        return torch.zeros(7, 3, dtype=torch.long), torch.zeros(7)\n",
       "[B, T]"},
      {"raises",
       attrs + "    @torch.jit.export\n"
               "    def generate(self, images: torch.Tensor, max_len: int) -> Tuple[torch.Tensor, torch.Tensor]:\n"
               "        raise RuntimeError('boom')\n",
       "generate() failed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = dir / (c.name + ".pt");
    ASSERT_EQ(script_module(dir, c.body, path), 0);
    expect_user_error([&] { load_captioner(path); }, {path.string(), c.needle});
  }
}

}  // namespace
}  // namespace gloss
