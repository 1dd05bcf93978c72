# Fails configuration unless the SQLCipher found is 4.x, asked of the library itself (PRAGMA cipher_version).
# Debian 12's main suite has SQLCipher 3.4, whose formats and defaults differ; 4.x comes from bookworm-backports.
function(check_sqlcipher_version)
    set(probe_dir ${CMAKE_BINARY_DIR}/sqlcipher_probe)
    file(WRITE ${probe_dir}/probe.c [=[
#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>
#include <stdio.h>
static int print_row(void *unused, int n, char **values, char **names) {
    (void)unused; (void)names;
    if (n > 0 && values[0]) printf("%s", values[0]);
    return 0;
}
int main(void) {
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 2;
    if (sqlite3_exec(db, "PRAGMA cipher_version;", print_row, NULL, NULL) != SQLITE_OK) return 3;
    sqlite3_close(db);
    return 0;
}
]=])
    try_run(run_result compile_result ${probe_dir}/build ${probe_dir}/probe.c
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${SQLCIPHER_INCLUDE_DIRS}"
        LINK_LIBRARIES ${SQLCIPHER_LINK_LIBRARIES}
        COMPILE_OUTPUT_VARIABLE compile_output
        RUN_OUTPUT_VARIABLE cipher_version)
    if(NOT compile_result)
        message(FATAL_ERROR "Could not build against SQLCipher (libsqlcipher-dev):\n${compile_output}")
    endif()
    if(NOT run_result EQUAL 0 OR cipher_version STREQUAL "")
        message(FATAL_ERROR "The SQLite library found is not SQLCipher (PRAGMA cipher_version gave nothing). "
            "Install libsqlcipher-dev 4.x from bookworm-backports: run scripts/setup.sh.")
    endif()
    if(NOT cipher_version MATCHES "^4\\.")
        message(FATAL_ERROR "SQLCipher ${cipher_version} found; SecondLine needs SQLCipher 4.x "
            "(Debian 12 main has 3.4; run scripts/setup.sh to install 4.x from bookworm-backports).")
    endif()
    message(STATUS "SQLCipher version: ${cipher_version}")
endfunction()
