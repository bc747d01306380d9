# Cross toolchain for the bare-metal build: Cortex-M33 (nRF9160-class) with the
# single-precision FPU, GNU Arm Embedded (Debian's gcc-arm-none-eabi) and
# newlib-nano. Used by the `cortex-m33` preset:
#   cmake --preset cortex-m33
# or, without presets:
#   cmake -S . -B build/cortex-m33 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cortex-m33.cmake \
#     -DCMAKE_BUILD_TYPE=MinSizeRel -DLWCL_HOST=OFF
#
# It promises: every target is compiled for the same ABI the on-device build
# would use (hard float, fpv5-sp-d16), size-optimised whatever the build type,
# with one section per function/object so the linker drops what is unused.
# LWCL_CORTEX_M33 is set so firmware/CMakeLists.txt knows it is cross-compiling.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(LWCL_CORTEX_M33 ON)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy for the bare-metal build")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "size for the bare-metal build")
set(CMAKE_NM arm-none-eabi-nm CACHE FILEPATH "nm for the bare-metal build")

# A bare-metal executable cannot link without our startup and linker script,
# so CMake's compiler checks build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(LWCL_M33_ARCH "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
# -fno-math-errno: nothing on the device reads errno, so sqrtf becomes the
# FPU's vsqrt.f32 instead of a call with an errno path (same results).
set(LWCL_M33_COMMON "${LWCL_M33_ARCH} -Os -ffunction-sections -fdata-sections -fno-math-errno")
set(CMAKE_C_FLAGS_INIT "${LWCL_M33_COMMON}")
set(CMAKE_ASM_FLAGS_INIT "${LWCL_M33_ARCH}")
# No exceptions or RTTI anywhere (they would drag in the unwinder); function-
# local statics need no guards: there is one thread.
set(CMAKE_CXX_FLAGS_INIT "${LWCL_M33_COMMON} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
# newlib-nano, no startup files (firmware/ brings its own), unused sections gc'd.
# No nosys.specs on purpose: anything that pulls in malloc (_sbrk) or file I/O
# fails the link instead of silently growing the image.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${LWCL_M33_ARCH} --specs=nano.specs -nostartfiles -Wl,--gc-sections")

# -Os whatever the build type, even none (Debug: -Og, still debuggable).
# Seeded as cache entries because CMake appends its own defaults (-O2, -O3)
# to the *_INIT ones, and the last -O wins.
foreach(lang C CXX ASM)
  set(CMAKE_${lang}_FLAGS_MINSIZEREL "-Os -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_RELEASE "-Os -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_RELWITHDEBINFO "-Os -g -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_DEBUG "-Og -g" CACHE STRING "")
endforeach()

# Look for libraries and headers only in the cross sysroot, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
