# Debian ships OpenCV's CMake package only with the libopencv-dev meta package, which pulls in VTK and the
# contrib modules. SecondLine needs a handful of modules, so it finds their headers and libraries directly and
# makes an imported target opencv::<module> for each.
function(find_opencv_modules)
    find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
    foreach(module IN LISTS ARGN)
        find_library(OPENCV_${module}_LIBRARY NAMES opencv_${module} REQUIRED)
        if(NOT TARGET opencv::${module})
            add_library(opencv::${module} UNKNOWN IMPORTED GLOBAL)
            set_target_properties(opencv::${module} PROPERTIES
                IMPORTED_LOCATION ${OPENCV_${module}_LIBRARY}
                INTERFACE_INCLUDE_DIRECTORIES ${OPENCV_INCLUDE_DIR})
        endif()
        message(STATUS "OpenCV ${module}: ${OPENCV_${module}_LIBRARY}")
    endforeach()
endfunction()
