/* os/win32/file.c - file sync and truncation (_commit, _chsize_s), file
 * identity (GetFileInformationByHandle), paths (_fullpath), rename
 * (MoveFileEx), file locks (LockFileEx). */
#include <windows.h>
#include "os/os.h"

#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int rl_file_sync(FILE *f)
{
    if (fflush(f) != 0)
        return -1;
    return _commit(_fileno(f));
}

int rl_file_truncate(FILE *f, long long len)
{
    if (fflush(f) != 0)
        return -1;
    return _chsize_s(_fileno(f), len) == 0 ? 0 : -1;
}

rl_file_kind_t rl_file_stat(const char *path, long long *size, rl_file_id_t *id)
{
    DWORD attr = GetFileAttributesA(path);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return RL_FILE_NONE;
    HANDLE h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    BY_HANDLE_FILE_INFORMATION fi;
    memset(&fi, 0, sizeof fi);
    int have = 0;
    if (h != INVALID_HANDLE_VALUE) {
        have = GetFileInformationByHandle(h, &fi) != 0;
        DWORD type = GetFileType(h);
        CloseHandle(h);
        if (type == FILE_TYPE_CHAR)
            return RL_FILE_OTHER;
        if (type == FILE_TYPE_PIPE)
            return RL_FILE_FIFO;
    }
    if (size)
        *size = have ? (long long)(((unsigned long long)fi.nFileSizeHigh << 32) | fi.nFileSizeLow) : 0;
    if (id) {
        id->dev = have ? fi.dwVolumeSerialNumber : 0;
        id->ino = have ? (((unsigned long long)fi.nFileIndexHigh << 32) | fi.nFileIndexLow) : 0;
    }
    return (attr & FILE_ATTRIBUTE_DIRECTORY) ? RL_FILE_DIR : RL_FILE_REGULAR;
}

char *rl_path_resolve(const char *path)
{
    char *full = _fullpath(NULL, path, 0);
    if (!full)
        return NULL;
    for (char *p = full; *p; p++)
        if (*p == '/')
            *p = '\\';
    return full;
}

int rl_file_replace(const char *from, const char *to)
{
    if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        return 0;
    errno = GetLastError() == ERROR_ACCESS_DENIED ? EACCES : EIO;
    return -1;
}

int rl_pid_alive(long pid)
{
    if (pid <= 0)
        return 0;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (!h)
        return GetLastError() == ERROR_ACCESS_DENIED; /* there, not ours to query */
    DWORD code = 0;
    int alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
}

long rl_getpid(void)
{
    return (long)GetCurrentProcessId();
}

struct rl_lock {
    HANDLE h;
};

/* The locked range lies far past the holder text, so others can read it. */
#define RL_LOCK_OFFSET 0x40000000u

int rl_lock_try(const char *path, const char *holder, rl_lock_t **lk, char *held_by, size_t hlen)
{
    *lk = NULL;
    if (hlen)
        held_by[0] = '\0';
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE }; /* not inherited by trials */
    HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EACCES;
        return -1;
    }
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = RL_LOCK_OFFSET;
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
        DWORD e = GetLastError();
        if (e == ERROR_LOCK_VIOLATION && hlen > 1) {
            DWORD got = 0;
            if (ReadFile(h, held_by, (DWORD)(hlen - 1), &got, NULL))
                held_by[got] = '\0';
            char *nl = strchr(held_by, '\n');
            if (nl)
                *nl = '\0';
        }
        CloseHandle(h);
        if (e == ERROR_LOCK_VIOLATION)
            return 1;
        errno = EIO;
        return -1;
    }
    DWORD put = 0, n = (DWORD)strlen(holder);
    if (SetFilePointer(h, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER || !SetEndOfFile(h) ||
        !WriteFile(h, holder, n, &put, NULL) || put != n) {
        CloseHandle(h);
        errno = EIO;
        return -1;
    }
    rl_lock_t *l = malloc(sizeof *l);
    if (!l) {
        CloseHandle(h);
        errno = ENOMEM;
        return -1;
    }
    l->h = h;
    *lk = l;
    return 0;
}

void rl_lock_release(rl_lock_t *lk)
{
    if (!lk)
        return;
    CloseHandle(lk->h);
    free(lk);
}
