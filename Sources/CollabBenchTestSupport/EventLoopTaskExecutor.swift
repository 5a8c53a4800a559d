import NIOCore

/// Runs a task's jobs on a NIO event loop, so the loopback server's scripted handlers never wait
/// for a thread of Swift's cooperative pool: tests that keep the pool busy (or, before
/// ``TestProcess``, blocked) cannot starve the server that answers them.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
