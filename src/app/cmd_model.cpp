// Model subcommands: synth, train, eval, predict (filled in with the captioner).
#include "app/commands.h"

namespace gloss {

void register_model_commands(CLI::App&, AppContext&) {}

}  // namespace gloss
