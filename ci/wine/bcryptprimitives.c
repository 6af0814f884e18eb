/* bcryptprimitives.dll for Wine prefixes whose Wine has none (Wine 8).
 *
 * Go >= 1.22 loads bcryptprimitives.dll from system32 in osinit and takes
 * ProcessPrng from it for all its random numbers; where the DLL is missing
 * every Go program dies at start with "bcryptprimitives.dll not found".
 * ProcessPrng fills a buffer with random bytes and always returns TRUE
 * (Windows documents that it cannot fail).  This one takes the bytes from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine 8 implements.
 * ci/wine-prefix.sh builds it with mingw-w64 and installs it. */
#include <windows.h>

/* RtlGenRandom's export name; ntsecapi.h declares it only under some
 * configurations, so it is declared here. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ci/wine-prefix.sh looks for this string to tell its own DLL from one
 * that Wine ships. */
__declspec(dllexport) const char racelab_bcryptprimitives[] = "racelab ProcessPrng via RtlGenRandom";

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* RtlGenRandom takes a ULONG length: fill in chunks. */
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reason;
    (void)reserved;
    return TRUE;
}
