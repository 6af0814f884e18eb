/* platform_win32.c - child.h's platform part on Windows. */
#include "child.h"

#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdio.h>

void child_platform_init(void)
{
    /* Byte counts in the tests are exact: no \n -> \r\n translation. */
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

void child_sleep_ms(long ms)
{
    Sleep((DWORD)ms);
}
