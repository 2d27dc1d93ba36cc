// The out-of-distribution flag of a native model, measured: the fraction of
// images flagged "unlike the training images" among fresh synthetic scenes
// (like the bundled model's training set, seeds it never saw), scenes from
// another camera, and real photos (scikit-image's sample photos, the GNOME
// wallpapers), and the AUROC of the score for synthetic scenes against real
// images. Prints figures; never fails on them (docs/models.md#out-of-distribution-flag).
//
//   gloss_bench_ood [--model FILE] [--scenes 2000] [--seed 100] [--list]
//
// --model   default: the bundled model (default_model_path()).
// --scenes  fresh synthetic scenes (gloss synth's defaults, at the model's
//           input size), from --seed (the bundled model was trained on seed
//           1, tested on 2 and calibrated on 3 and 4).
// --list    every real image with its score.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/synth.h"
#include "model/captioner.h"
#include "model/native_format.h"

namespace {
namespace fs = std::filesystem;
using namespace gloss;

// scikit-image's sample photographs (python3-skimage): the camera photos,
// not its test patterns, tiny files, renderings, logos or silhouettes.
const char* const kSkimagePhotos[] = {
    "astronaut.png", "brick.png",      "camera.png",         "cell.png",         "chelsea.png",
    "clock_motion.png", "coffee.png",  "coins.png",          "grass.png",        "gravel.png",
    "hubble_deep_field.jpg", "ihc.png", "microaneurysms.png", "moon.png",        "motorcycle_left.png",
    "motorcycle_right.png", "page.png", "retina.jpg",        "rocket.jpg",       "text.png"};
const fs::path kSkimageDir = "/usr/lib/python3/dist-packages/skimage/data";
const fs::path kGnomeDir = "/usr/share/backgrounds/gnome";  // gnome-backgrounds: 16 WebP wallpapers

struct Scored {
  std::string name;
  float score = NAN;
  bool flagged = false;
};

std::vector<Scored> caption_all(Captioner& model, const std::vector<Image>& images,
                                const std::vector<std::string>& names) {
  std::vector<Scored> out;
  for (std::size_t i = 0; i < images.size(); i += 32) {
    std::vector<const Image*> batch;
    for (std::size_t j = i; j < std::min(images.size(), i + 32); ++j) batch.push_back(&images[j]);
    const auto captions = model.caption(batch);
    for (std::size_t k = 0; k < captions.size(); ++k)
      out.push_back({names.empty() ? std::string() : names[i + k], captions[k].ood_score, captions[k].unlike_training});
  }
  return out;
}

std::vector<Scored> scenes(Captioner& model, std::uint64_t seed, int count, int size, const SynthKnobs& knobs) {
  std::vector<Image> images;
  for (int i = 0; i < count; ++i) {
    const SynthSample s = synth_sample(seed, static_cast<std::uint64_t>(i), knobs);
    images.push_back(render_scene(s.scene, size, s.noise_seed));
  }
  return caption_all(model, images, {});
}

std::vector<Scored> files(Captioner& model, const std::vector<fs::path>& paths) {
  std::vector<Image> images;
  std::vector<std::string> names;
  for (const fs::path& p : paths) {
    try {
      images.push_back(decode_image_file(p, kModelInputSide));
      names.push_back(p.filename().string());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "skipped %s\n", e.what());
    }
  }
  return caption_all(model, images, names);
}

std::size_t flagged(const std::vector<Scored>& v) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](const Scored& s) { return s.flagged; }));
}

// P(score of a random real image > score of a random synthetic one), ties half.
double auroc(const std::vector<Scored>& negatives, const std::vector<Scored>& positives) {
  double wins = 0;
  for (const Scored& p : positives)
    for (const Scored& n : negatives) wins += p.score > n.score ? 1.0 : p.score == n.score ? 0.5 : 0.0;
  return wins / (static_cast<double>(positives.size()) * static_cast<double>(negatives.size()));
}

void row(const char* set, const std::vector<Scored>& v) {
  std::printf("| %s | %zu | %zu | %.1f %% |\n", set, v.size(), flagged(v),
              v.empty() ? 0.0 : 100.0 * static_cast<double>(flagged(v)) / static_cast<double>(v.size()));
}

}  // namespace

int main(int argc, char** argv) {
  fs::path model_path;
  int count = 2000;
  std::uint64_t seed = 100;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) model_path = argv[++i];
    else if (a == "--scenes" && i + 1 < argc) count = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--list") list = true;
    else {
      std::fprintf(stderr, "usage: gloss_bench_ood [--model FILE] [--scenes N] [--seed S] [--list]\n");
      return 2;
    }
  }
  try {
    if (model_path.empty()) model_path = default_model_path();
    const NativeModelFile file = read_native_model_file(model_path);
    const int size = file.meta.at("preprocess").at("image_size").get<int>();
    if (!file.meta.contains("ood")) {
      std::fprintf(stderr, "%s has no out-of-distribution statistics (gloss calibrate adds them)\n",
                   model_path.c_str());
      return 1;
    }
    const auto model = load_captioner(model_path, CaptionerOptions{1, 20, 1});
    std::printf("model %s (%s): threshold %.2f, %s\n\n", model->id().c_str(), model_path.filename().c_str(),
                file.meta["ood"]["threshold"].get<double>(), file.meta["ood"]["source"].get<std::string>().c_str());

    const auto synthetic = scenes(*model, seed, count, size, SynthKnobs{});
    const auto closer = scenes(*model, seed, count / 4, size, camera_knobs(1.35f, 12.f, 18.f, 0.25f));
    const auto noisier = scenes(*model, seed, count / 4, size, camera_knobs(1.f, 30.f, 18.f, 0.25f));
    std::vector<fs::path> photo_paths, wall_paths;
    for (const char* name : kSkimagePhotos)
      if (fs::exists(kSkimageDir / name)) photo_paths.push_back(kSkimageDir / name);
    if (fs::is_directory(kGnomeDir))
      for (const auto& e : fs::directory_iterator(kGnomeDir))
        if (e.path().extension() == ".webp") wall_paths.push_back(e.path());
    std::sort(wall_paths.begin(), wall_paths.end());
    const auto photos = files(*model, photo_paths), walls = files(*model, wall_paths);
    std::vector<Scored> real = photos;
    real.insert(real.end(), walls.begin(), walls.end());

    std::printf("| images | count | flagged | fraction |\n|---|---|---|---|\n");
    row(("synthetic scenes, seed " + std::to_string(seed)).c_str(), synthetic);
    row("synthetic scenes, a camera 1.35x closer (--zoom 1.35)", closer);
    row("synthetic scenes, noise sigma up to 30 (--noise 30)", noisier);
    row("scikit-image photos", photos);
    row("GNOME wallpapers", walls);
    row("real images, all", real);
    if (!real.empty() && !synthetic.empty())
      std::printf("\nAUROC, synthetic scenes vs real images: %.4f\n", auroc(synthetic, real));
    if (list) {
      std::printf("\n| image | score | flagged |\n|---|---|---|\n");
      for (const Scored& s : real) std::printf("| %s | %.1f | %s |\n", s.name.c_str(), s.score, s.flagged ? "yes" : "no");
    } else {
      std::printf("not flagged:");
      for (const Scored& s : real)
        if (!s.flagged) std::printf(" %s (%.1f)", s.name.c_str(), s.score);
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gloss_bench_ood: %s\n", e.what());
    return 1;
  }
  return 0;
}
