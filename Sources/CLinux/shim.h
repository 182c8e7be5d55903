#ifndef GENTLE_CLINUX_SHIM_H
#define GENTLE_CLINUX_SHIM_H
/* Linux-only headers that Glibc's Swift module leaves out, and their enum/macro flags as plain ints. */
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <spawn.h>
#include <termios.h>
#include <unistd.h>
#include <sys/mman.h>
#include <malloc.h>

static inline int gentle_tfd_create_flags(void) { return TFD_NONBLOCK | TFD_CLOEXEC; }
static inline int gentle_tfd_abstime_cancel_on_set(void) { return TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET; }
static inline int gentle_inotify_init_flags(void) { return IN_NONBLOCK | IN_CLOEXEC; }

/* MADV_PAGEOUT (Linux 5.4) is defined only under _GNU_SOURCE / _DEFAULT_SOURCE in some setups. */
static inline int gentle_madv_pageout(void) {
#ifdef MADV_PAGEOUT
    return MADV_PAGEOUT;
#else
    return 21;
#endif
}

/* glibc always exports pipe2 but declares it only under _GNU_SOURCE. */
extern int pipe2(int pipefd[2], int flags);
#endif
