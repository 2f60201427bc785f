# Installs the client library for apps: its public headers under include/tokenswap/client/, the
# static libraries, a CMake package (find_package(tokenswap) -> tokenswap::client) and a
# pkg-config file (tokenswap.pc).
#
# The client is static and uses the core and web parts, so those two archives are installed and
# exported as well. The client links them privately: an app gets them for linking only, never
# their compile definitions (BOOST_ASIO_SEPARATE_COMPILATION would break an app's own Asio use).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(tokenswap_public_headers config.hpp error.hpp session.hpp session_manager.hpp)
list(TRANSFORM tokenswap_public_headers PREPEND ${PROJECT_SOURCE_DIR}/src/client/)
install(FILES ${tokenswap_public_headers}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tokenswap/client)

target_include_directories(tokenswap_client
                           PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(tokenswap_client PROPERTIES EXPORT_NAME client)
set_target_properties(tokenswap_web PROPERTIES EXPORT_NAME web)
set_target_properties(tokenswap_core PROPERTIES EXPORT_NAME core)
add_library(tokenswap::client ALIAS tokenswap_client)

install(TARGETS tokenswap_client tokenswap_web tokenswap_core
        EXPORT tokenswap-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
set(tokenswap_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tokenswap)
install(EXPORT tokenswap-targets NAMESPACE tokenswap:: DESTINATION ${tokenswap_cmake_dir})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tokenswapConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/tokenswapConfig.cmake
                              INSTALL_DESTINATION ${tokenswap_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tokenswapConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tokenswapConfig.cmake
              ${PROJECT_BINARY_DIR}/tokenswapConfigVersion.cmake
        DESTINATION ${tokenswap_cmake_dir})

# Relocatable: the prefix is found from where the .pc file lies, so `cmake --install --prefix DIR`
# needs nothing rewritten.
file(RELATIVE_PATH tokenswap_pc_to_prefix /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
configure_file(${PROJECT_SOURCE_DIR}/cmake/tokenswap.pc.in ${PROJECT_BINARY_DIR}/tokenswap.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tokenswap.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
