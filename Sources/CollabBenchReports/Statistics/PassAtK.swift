/// The unbiased estimators of pass@k and pass^k from n trials of a task with c successes
/// (Chen et al., 2021, for pass@k; pass^k is the chance that k trials drawn without replacement
/// all succeed).
public enum PassAtK {
    /// pass@k = 1 − C(n − c, k) / C(n, k): the chance that at least one of k trials drawn from the
    /// n succeeds. Computed as a product, so large n does not overflow.
    /// - Returns: nil when k is not in 1…n or c is not in 0…n.
    public static func passAtK(n: Int, c: Int, k: Int) -> Double? {
        guard k >= 1, k <= n, c >= 0, c <= n else { return nil }
        if n - c < k { return 1 }
        if c == 0 { return 0 }
        var failAll = 1.0
        for i in (n - c + 1)...n {
            failAll *= 1 - Double(k) / Double(i)
        }
        return 1 - failAll
    }

    /// pass^k = C(c, k) / C(n, k): the chance that k trials drawn from the n all succeed.
    /// - Returns: nil when k is not in 1…n or c is not in 0…n.
    public static func passHatK(n: Int, c: Int, k: Int) -> Double? {
        guard k >= 1, k <= n, c >= 0, c <= n else { return nil }
        if c < k { return 0 }
        var all = 1.0
        for i in 0..<k {
            all *= Double(c - i) / Double(n - i)
        }
        return all
    }

    /// Both estimators averaged over tasks with at least k trials.
    /// - Parameter tasks: Per task, trials n and successes c.
    /// - Returns: nil when no task has k trials.
    public static func mean(tasks: [(n: Int, c: Int)], k: Int) -> (passAtK: Double, passHatK: Double, tasks: Int)? {
        var at = 0.0
        var hat = 0.0
        var count = 0
        for task in tasks {
            guard let a = passAtK(n: task.n, c: task.c, k: k), let h = passHatK(n: task.n, c: task.c, k: k) else { continue }
            at += a
            hat += h
            count += 1
        }
        return count == 0 ? nil : (at / Double(count), hat / Double(count), count)
    }
}
