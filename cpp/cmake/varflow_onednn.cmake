# oneDNN for the float32 convolutions (src/kernels/conv_onednn.cc) and the larger float32
# matrix products (src/kernels/gemm_onednn.cc), from the onednn-cpu-gomp wheel (libdnnl.so.3,
# GNU OpenMP threading, no SYCL runtime) and its headers' wheel
# onednn-devel-cpu-gomp, both installed by pip into the Python environment's prefix (lib/,
# include/), not into site-packages. As with OpenBLAS, the headers are copied into the build
# tree and the library reached through a link there, so a build from another environment (an
# isolated pip build's temporary one) recompiles nothing.
#   VARFLOW_ONEDNN=AUTO  use it when the wheels are installed (the default)
#   VARFLOW_ONEDNN=ON    fail when they are not
#   VARFLOW_ONEDNN=OFF   convolutions take the im2col + BLAS path, every product the BLAS
# Defines the imported target varflow::dnnl and VARFLOW_WITH_ONEDNN (ON/OFF).
set(VARFLOW_ONEDNN "AUTO" CACHE STRING "Link oneDNN for float32 convolutions and products: AUTO, ON or OFF")
set(VARFLOW_WITH_ONEDNN OFF)
if(NOT VARFLOW_ONEDNN STREQUAL "OFF")
  if(NOT VARFLOW_ONEDNN_HOME)
    find_package(Python COMPONENTS Interpreter REQUIRED)
    # The prefix holding include/oneapi/dnnl and lib/libdnnl.so.3, whatever the install scheme
    # (a venv, --user, an isolated build's overlay): where pip's records put the files.
    execute_process(
      COMMAND "${Python_EXECUTABLE}" -c [=[
import importlib.metadata as m, pathlib
lib = [f for f in m.distribution("onednn-cpu-gomp").files if f.name == "libdnnl.so.3"]
inc = [f for f in m.distribution("onednn-devel-cpu-gomp").files if f.name == "dnnl.hpp"
       and f.parent.name == "dnnl"]
print(pathlib.Path(lib[0].locate()).resolve().parent)
print(pathlib.Path(inc[0].locate()).resolve().parents[2])
]=]
      OUTPUT_VARIABLE _dnnl_found OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE _dnnl_status ERROR_QUIET)
    if(_dnnl_status EQUAL 0)
      string(REPLACE "\n" ";" _dnnl_found "${_dnnl_found}")
      list(GET _dnnl_found 0 _dnnl_lib_dir)
      list(GET _dnnl_found 1 _dnnl_include_dir)
      set(_dnnl_stage "${CMAKE_BINARY_DIR}/onednn")
      file(GLOB_RECURSE _dnnl_headers RELATIVE "${_dnnl_include_dir}" "${_dnnl_include_dir}/oneapi/dnnl/*")
      foreach(header IN LISTS _dnnl_headers)
        execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different
                                "${_dnnl_include_dir}/${header}" "${_dnnl_stage}/include/${header}")
      endforeach()
      file(REMOVE "${_dnnl_stage}/lib")
      file(CREATE_LINK "${_dnnl_lib_dir}" "${_dnnl_stage}/lib" SYMBOLIC)
      set(VARFLOW_ONEDNN_HOME "${_dnnl_stage}")
    endif()
  endif()
  if(VARFLOW_ONEDNN_HOME AND EXISTS "${VARFLOW_ONEDNN_HOME}/lib/libdnnl.so.3"
     AND EXISTS "${VARFLOW_ONEDNN_HOME}/include/oneapi/dnnl/dnnl.hpp")
    set(VARFLOW_WITH_ONEDNN ON)
  elseif(VARFLOW_ONEDNN STREQUAL "ON")
    message(FATAL_ERROR "VARFLOW_ONEDNN=ON but oneDNN was not found for ${Python_EXECUTABLE}: "
                        "pip install onednn-devel-cpu-gomp, or set VARFLOW_ONEDNN_HOME")
  endif()
endif()

if(VARFLOW_WITH_ONEDNN)
  add_library(varflow::dnnl SHARED IMPORTED GLOBAL)
  set_target_properties(varflow::dnnl PROPERTIES
                        IMPORTED_LOCATION "${VARFLOW_ONEDNN_HOME}/lib/libdnnl.so.3"
                        IMPORTED_SONAME "libdnnl.so.3"
                        INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
  # Only these files see oneDNN's headers: turning oneDNN on or off recompiles just them.
  set_source_files_properties(src/kernels/conv_onednn.cc src/kernels/gemm_onednn.cc PROPERTIES
                              INCLUDE_DIRECTORIES "${VARFLOW_ONEDNN_HOME}/include"
                              COMPILE_DEFINITIONS VARFLOW_HAVE_ONEDNN)
  target_link_libraries(varflow_core PUBLIC varflow::dnnl)
  message(STATUS "varflow oneDNN: ${VARFLOW_ONEDNN_HOME}/lib/libdnnl.so.3")
else()
  message(STATUS "varflow oneDNN: not used (convolutions run on im2col + BLAS, products on the BLAS)")
endif()
