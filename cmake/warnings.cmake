# Applied to every target of the project, never to the dependencies' headers.
function(tokenswap_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align)
  if(TOKENSWAP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
