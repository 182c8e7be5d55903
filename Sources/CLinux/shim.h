#ifndef GENTLE_CLINUX_SHIM_H
#define GENTLE_CLINUX_SHIM_H
/* Linux-only headers that Glibc's Swift module leaves out. */
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <spawn.h>
#include <unistd.h>

/* glibc always exports pipe2 but declares it only under _GNU_SOURCE. */
extern int pipe2(int pipefd[2], int flags);
#endif
