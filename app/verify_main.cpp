// scribe-verify: `scribe verify` on its own (app/verify_command.h), for auditors' machines: it
// links only common/, evidence/ and the HTTP client, no database.
#include <vector>

#include "app/verify_command.h"

int main(int argc, char** argv) {
  // The same arguments as `scribe verify …`: the subcommand's word goes where scribe has it.
  static char verb[] = "verify";
  std::vector<char*> args{argv[0], verb};
  for (int i = 1; i < argc; i++) args.push_back(argv[i]);
  args.push_back(nullptr);
  return scribe::app::verify_command(int(args.size()) - 1, args.data());
}
