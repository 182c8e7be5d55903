import CFuzzer
import Foundation

// libFuzzer's loop, with its usual options (-max_total_time=, -runs=, corpus directories…).
var arguments = CommandLine.argc
var values: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &values) { data, size in fuzzCalendar(UnsafeBufferPointer(start: data, count: size)) })
