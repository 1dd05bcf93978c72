# Warnings, hardening and sanitizers for SecondLine's own targets, in one place.
# Call secondline_target_options(<target>) on every target the project defines.

function(secondline_target_options target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
        -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough)
    # __FILE__ (assert, Q_ASSERT) names files relative to the source or build tree: no machine path in the
    # programs. The build tree's map comes last so that it wins when the build tree is inside the source tree.
    target_compile_options(${target} PRIVATE -fmacro-prefix-map=${PROJECT_SOURCE_DIR}/=
        -fmacro-prefix-map=${PROJECT_BINARY_DIR}/=)
    if(SECONDLINE_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(SECONDLINE_HARDENING)
        target_compile_options(${target} PRIVATE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong
            -fstack-clash-protection -fcf-protection=full)
        target_link_options(${target} PRIVATE -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -pie)
    endif()
    if(SECONDLINE_BUILD_FUZZ)
        # Coverage instrumentation in every library, so the fuzzer sees into the code it drives.
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
    if(SECONDLINE_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
            -fno-sanitize-recover=undefined)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()

# secondline_module(<name> SOURCES ... DEPS ... PRIVATE_DEPS ...): one static library per layer,
# secondline::<name>, with public headers under <name>/include/secondline/<name>/.
function(secondline_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
    add_library(secondline_${name} STATIC ${ARG_SOURCES})
    add_library(secondline::${name} ALIAS secondline_${name})
    target_include_directories(secondline_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
        PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(secondline_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
    secondline_target_options(secondline_${name})
endfunction()
