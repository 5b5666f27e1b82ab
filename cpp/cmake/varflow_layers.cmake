# The layers of DESIGN.md as build targets. A layer is an object library that compiles the .cc
# files of its source directories and sees only its own headers and those of the layers it
# depends on: each layer gets a private include tree in the build directory that links its
# source directories (cpp/src/<dir>, reached as "<dir>/x.h") and its public headers
# (cpp/include/varflow/<header>, reached as "varflow/<header>"). An #include of a higher
# layer's header therefore fails to compile ("No such file or directory") instead of quietly
# creating a cycle. The trees are re-made at every configure, and the source lists are globs
# with CONFIGURE_DEPENDS, so a new file in a layer's directory joins that layer by itself.

set(VARFLOW_LAYER_TREES ${CMAKE_CURRENT_BINARY_DIR}/layers)
set(VARFLOW_LAYERS "")
set_property(GLOBAL PROPERTY VARFLOW_ASSIGNED_HEADERS "")

# varflow_layer(<name> DIRS <dir>... [HEADERS <header>...] [DEPENDS <layer>...])
#   DIRS     directories under cpp/src whose .cc files (except *_simd.cc, built per ISA) form
#            the layer and whose headers it may include
#   HEADERS  public headers of this layer, relative to cpp/include/varflow (files or globs)
#   DEPENDS  the layers directly below; their headers are visible, and so on transitively
# Defines the target varflow_layer_<name>.
function(varflow_layer name)
  cmake_parse_arguments(L "" "" "DIRS;HEADERS;DEPENDS" ${ARGN})
  set(tree ${VARFLOW_LAYER_TREES}/${name})
  file(REMOVE_RECURSE ${tree})
  file(MAKE_DIRECTORY ${tree}/varflow)
  set(sources "")
  foreach(dir IN LISTS L_DIRS)
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/src/${dir} ${tree}/${dir} SYMBOLIC)
    file(GLOB dir_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${dir}/*.cc)
    list(APPEND sources ${dir_sources})
  endforeach()
  list(FILTER sources EXCLUDE REGEX "_simd\\.cc$")
  # Globs ("train/*.h") take the files no earlier layer has claimed.
  get_property(claimed GLOBAL PROPERTY VARFLOW_ASSIGNED_HEADERS)
  set(headers "")
  foreach(entry IN LISTS L_HEADERS)
    if(entry MATCHES "\\*")
      file(GLOB matched CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow
           ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow/${entry})
      if(claimed)
        list(REMOVE_ITEM matched ${claimed})
      endif()
      list(APPEND headers ${matched})
    elseif(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow/${entry})
      list(APPEND headers ${entry})  # (one announced before its author adds it is skipped)
    endif()
  endforeach()
  foreach(header IN LISTS headers)
    get_filename_component(subdir ${tree}/varflow/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${subdir})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow/${header}
         ${tree}/varflow/${header} SYMBOLIC)
    set_property(GLOBAL APPEND PROPERTY VARFLOW_ASSIGNED_HEADERS ${header})
  endforeach()
  set(target varflow_layer_${name})
  add_library(${target} OBJECT ${sources})
  target_include_directories(${target} PUBLIC ${tree})
  foreach(dep IN LISTS L_DEPENDS)
    target_link_libraries(${target} PUBLIC varflow_layer_${dep})
  endforeach()
  target_compile_options(${target} PRIVATE ${VARFLOW_WARNINGS} -fno-math-errno)
  target_compile_features(${target} PUBLIC cxx_std_17)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set(VARFLOW_LAYERS ${VARFLOW_LAYERS} ${name} PARENT_SCOPE)

  # For tests/cpp's layer probes: the layers whose trees this one sees, and one header that
  # stands for this layer.
  set(visible ${name})
  foreach(dep IN LISTS L_DEPENDS)
    get_property(dep_visible GLOBAL PROPERTY VARFLOW_LAYER_VISIBLE_${dep})
    list(APPEND visible ${dep_visible})
  endforeach()
  list(REMOVE_DUPLICATES visible)
  set_property(GLOBAL PROPERTY VARFLOW_LAYER_VISIBLE_${name} ${visible})
  set(probe "")
  if(headers)
    list(SORT headers)
    list(GET headers 0 header)
    set(probe varflow/${header})
  endif()
  if(NOT probe)
    list(GET L_DIRS 0 dir)
    file(GLOB inside RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR}/src/${dir}/*.h)
    list(SORT inside)
    list(GET inside 0 probe)
  endif()
  set_property(GLOBAL PROPERTY VARFLOW_LAYER_PROBE_${name} ${probe})
endfunction()

# Public headers no layer claims are visible to the umbrella library only (hosts, bindings,
# tests); a layer that needs one must list it under its HEADERS.
function(varflow_check_layer_headers)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow
       ${CMAKE_CURRENT_SOURCE_DIR}/include/varflow/*.h)
  get_property(assigned GLOBAL PROPERTY VARFLOW_ASSIGNED_HEADERS)
  list(REMOVE_ITEM headers ${assigned} ${ARGN})
  foreach(header IN LISTS headers)
    message(WARNING "cpp/include/varflow/${header} belongs to no layer: only the umbrella "
                    "library sees it. Add it to a layer's HEADERS in cpp/CMakeLists.txt.")
  endforeach()
endfunction()
