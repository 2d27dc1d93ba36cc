// Error types shared by every layer. UserError is a problem the user can fix
// (a bad file, a bad line, an unknown dataset); the CLI maps it to exit code 1.
#pragma once

#include <stdexcept>
#include <string>

namespace gloss {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The store failed (LMDB error, corrupt record). Carries the operation.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A store's server cannot be reached (refused, timed out, gone mid-call):
// what was asked may work later. OutboxStore keeps answers until it does.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

// The store's server refused the connected user something (a PostgreSQL
// role without the right: another annotator's answers, dropping a dataset).
// Trying again will not help; the message says who may.
class PermissionDenied : public UserError {
 public:
  using UserError::UserError;
};

}  // namespace gloss
