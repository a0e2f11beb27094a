//! Measured memory of a rank: its peak resident set size as the kernel reports it.

/// The peak resident memory of this process in bytes (`VmHWM` of `/proc/self/status`); `None` where the
/// kernel does not report it (not Linux).
pub fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

/// The `VmHWM:  N kB` line of a `/proc/PID/status` text, in bytes.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut words = line["VmHWM:".len()..].split_whitespace();
    let n: u64 = words.next()?.parse().ok()?;
    match words.next()? {
        "kB" => Some(n * 1024),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_peak_from_a_status_text() {
        let s = "Name:\tgasket\nVmPeak:\t  900 kB\nVmHWM:\t   1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(s), Some(1234 * 1024));
        assert_eq!(parse_vm_hwm("VmHWM: 12 MB\n"), None);
        assert_eq!(parse_vm_hwm("VmRSS: 12 kB\n"), None);
    }

    #[test]
    fn this_process_has_a_peak_at_least_as_large_as_a_buffer_it_touched() {
        let buf = vec![1u8; 64 << 20];
        let peak = peak_resident_bytes().expect("Linux reports VmHWM");
        assert!(peak >= buf.len() as u64, "peak {peak} below 64 MiB");
        assert_eq!(buf.iter().map(|&b| u64::from(b)).sum::<u64>(), 64 << 20);
    }
}
