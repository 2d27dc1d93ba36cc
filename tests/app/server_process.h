// A local HTTP server for the endpoint tests, run as a child process: a
// Python script on 127.0.0.1 whose first stdout line ends with its URL
// ("serving NAME on http://127.0.0.1:PORT/v1"). Stopped when the object dies.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "test_util.h"

namespace gloss::test {

class ServerProcess {
 public:
  // `command` runs under /bin/sh; waits up to `startup_s` for the URL line
  // (importing torch on a busy machine takes a while).
  explicit ServerProcess(const std::string& command, int startup_s = 120) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    fd_ = out[0];
    const std::string line = read_line(startup_s);
    const auto at = line.find("http://");
    if (at == std::string::npos) throw std::runtime_error("server did not start: " + command + ": " + line);
    url_ = line.substr(at);
  }
  ~ServerProcess() {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(fd_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT/v1

 private:
  std::string read_line(int timeout_s) {
    std::string line;
    char ch;
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, timeout_s * 1000) > 0 && read(fd_, &ch, 1) == 1 && ch != '\n') line += ch;
    return line;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string url_;
};

inline std::string python() { return "/usr/bin/python3"; }

// A small random TorchScript captioner of gloss's contract, exported once
// per build tree (export_torchscript.py takes a while to import torch).
inline std::filesystem::path random_torchscript_model() {
  const std::filesystem::path dir = std::filesystem::path(GLOSS_BUILD_DIR) / "test-models";
  const auto model = dir / "endpoint-random.pt";
  if (std::filesystem::exists(model)) return model;
  std::filesystem::create_directories(dir);
  const auto partial = dir / ("endpoint-random.pt." + std::to_string(getpid()));
  const std::string command = python() + " '" GLOSS_SOURCE_DIR "/models/export_torchscript.py' --random --resnet 18"
                              " --vocab-words a,red,green,blue,circle,square,on,background --seed 3 --image-size 32"
                              " --out '" + partial.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("export_torchscript.py failed: " + command);
  std::filesystem::rename(partial, model);
  return model;
}

// An endpoint model file for `url`; `extra` is more JSON fields (", ...").
inline std::filesystem::path write_endpoint_file(const std::filesystem::path& path, const std::string& url,
                                                 const std::string& extra = "") {
  write_text(path, "{\"kind\": \"openai-chat\", \"url\": \"" + url + "\", \"model\": \"test\"" + extra + "}\n");
  return path;
}

// A port nothing listens on (bound, then released).
inline int free_port() {
  const std::string out = [] {
    FILE* p = popen("/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); "
                    "print(s.getsockname()[1])'", "r");
    char buf[32] = "";
    fgets(buf, sizeof buf, p);
    pclose(p);
    return std::string(buf);
  }();
  return std::atoi(out.c_str());
}

}  // namespace gloss::test
