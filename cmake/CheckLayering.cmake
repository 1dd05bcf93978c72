# Fails when a layer includes what it may not. Run with -DSOURCE_DIR=<tree>.
#
#   app/ --> capture/ --> validation/ --> core/
#   app/ --> analysis/ --> storage/ --> privacy/ --> validation/ --> core/
#
# - A module may include the public headers of the modules below it only (no cycles, no upward use): storage
#   never includes analysis, and analysis (pure computation over the statistics rows) never capture.
# - Public headers (<module>/include) carry no third-party types except tl::expected (core's Result).
# - Each module's sources may use only the third-party libraries it owns; Qt only in app/.
# - The store's file-system seam (secondline/storage/env.h) is for storage and its tests: the product never
#   replaces the Env.
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR)
    message(FATAL_ERROR "CheckLayering: pass -DSOURCE_DIR=<source tree>")
endif()

get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
set(allowed_core "core")
set(allowed_validation "core;validation")
set(allowed_capture "core;validation;capture")
set(allowed_privacy "core;validation;privacy")
set(allowed_storage "core;validation;privacy;storage")
set(allowed_analysis "core;validation;privacy;storage;analysis")

# Third-party header patterns, by library.
set(lib_opencv "^opencv2/")
set(lib_tesseract "^tesseract/")
set(lib_leptonica "^(leptonica/|allheaders\\.h)")
set(lib_freetype "^(ft2build\\.h|freetype/)")
set(lib_sodium "^sodium")
set(lib_sqlcipher "^(sqlcipher/|sqlite3\\.h)")
set(lib_qt "^(Q[A-Za-z]+|Qt[A-Za-z]*/.*|qt[a-z]*\\.h)$")
set(lib_json "^nlohmann/")
set(lib_fmt "^fmt/")
set(lib_cli "^CLI/")
set(lib_sane "^sane/")
set(lib_glpk "^glpk\\.h")
set(all_libs opencv tesseract leptonica freetype sodium sqlcipher qt json fmt cli sane glpk)

set(src_libs_core "sodium")
set(src_libs_validation "")
set(src_libs_capture "opencv;tesseract;leptonica;freetype;fmt;sane")
set(src_libs_privacy "sodium;json;fmt")
set(src_libs_storage "sqlcipher;json;fmt")
set(src_libs_analysis "glpk")

set(violations "")

function(check_file file module area)
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include")
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${file})
    foreach(line IN LISTS lines)
        if(NOT line MATCHES "#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
            continue()
        endif()
        set(header ${CMAKE_MATCH_1})
        if(header STREQUAL "secondline/storage/env.h" AND NOT module STREQUAL "storage")
            list(APPEND violations "${rel}: the file-system seam is for storage and its tests (${header})")
        endif()
        if(header MATCHES "^secondline/([a-z_]+)/")
            set(target_module ${CMAKE_MATCH_1})
            if(NOT module STREQUAL "app" AND NOT target_module IN_LIST allowed_${module})
                list(APPEND violations "${rel}: ${module} may not include secondline/${target_module}")
            endif()
            continue()
        endif()
        if(module STREQUAL "app")
            if(header MATCHES "${lib_qt}" AND NOT rel MATCHES "^app/gui/")
                list(APPEND violations "${rel}: Qt is for app/gui only (${header})")
            endif()
            continue()
        endif()
        foreach(lib IN LISTS all_libs)
            if(header MATCHES "${lib_${lib}}")
                if(area STREQUAL "include")
                    list(APPEND violations "${rel}: public header exposes a third-party type (${header})")
                elseif(NOT lib IN_LIST src_libs_${module})
                    list(APPEND violations "${rel}: ${module} may not use ${lib} (${header})")
                endif()
            endif()
        endforeach()
    endforeach()
    set(violations ${violations} PARENT_SCOPE)
endfunction()

foreach(module core validation capture privacy storage analysis)
    foreach(area include src)
        file(GLOB_RECURSE files ${SOURCE_DIR}/${module}/${area}/*.h ${SOURCE_DIR}/${module}/${area}/*.hpp
            ${SOURCE_DIR}/${module}/${area}/*.cpp)
        foreach(f IN LISTS files)
            check_file(${f} ${module} ${area})
        endforeach()
    endforeach()
endforeach()
file(GLOB_RECURSE app_files ${SOURCE_DIR}/app/*.h ${SOURCE_DIR}/app/*.cpp)
foreach(f IN LISTS app_files)
    check_file(${f} app src)
endforeach()

if(violations)
    list(JOIN violations "\n  " text)
    message(FATAL_ERROR "Layering violations:\n  ${text}")
endif()
