fn main() {
    let data = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    let recs = {
        let mut out = Vec::new();
        let mut d = &data[..];
        while d.len() >= 4 {
            let n = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize;
            out.push(d[4..4 + n].to_vec());
            d = &d[4 + n..];
        }
        out
    };
    for pair in recs.chunks(2) {
        let label = String::from_utf8_lossy(&pair[0]);
        if !label.starts_with("hostile") {
            continue;
        }
        eprintln!("{label}");
        let t = std::time::Instant::now();
        let r = pickle_core::from_slice::<pickle_core::Value>(&pair[1]);
        match r {
            Ok(v) => {
                let e = pickle_core::to_vec(&v);
                eprintln!("  ok {:?} enc {:?}", t.elapsed(), e.map(|b| b.len()));
            }
            Err(e) => eprintln!("  err {e} {:?}", t.elapsed()),
        }
    }
}
