#pragma once

#include "core/oauth_error.hpp"

#include <boost/system/result.hpp>

namespace tokenswap::core {

// A value or the OAuth error to answer with. Untrusted input never throws: it becomes one of these.
template <typename T> using result = boost::system::result<T, oauth_error>;

// Lets result<T>::value() throw when it holds an error (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(const oauth_error& error,
                                             const boost::source_location& location);

} // namespace tokenswap::core
