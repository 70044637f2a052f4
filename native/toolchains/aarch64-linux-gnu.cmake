# Cross build of the plugin for linux-arm64 (Jetson and other aarch64 Vulkan devices) with Debian's
# gcc-aarch64-linux-gnu; scripts/setup.sh installs it and qemu-user, which runs the ABI check in the tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
# glslc and the Vulkan headers are the build machine's: SPIR-V and headers do not depend on the CPU.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
