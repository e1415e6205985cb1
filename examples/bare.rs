//! The lower bound the benchmark compares against: read every Markdown file of a project,
//! render it with bare pulldown-cmark on the rayon pool, and write one HTML file per page.
//! No frontmatter typing, no templates, no links: `cargo run --release --example bare -- DIR OUT`.

use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, out) = match args.as_slice() {
        [_, dir, out] => (Path::new(dir), Path::new(out)),
        _ => {
            eprintln!("usage: bare DIR OUT");
            std::process::exit(2);
        }
    };
    let started = std::time::Instant::now();
    let files: Vec<_> = WalkDir::new(dir.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|path| {
        let text = std::fs::read_to_string(path).expect("read");
        let body = text.splitn(3, "+++").nth(2).unwrap_or(&text);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        let parser = pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all());
        pulldown_cmark::html::push_html(&mut html, parser);
        let rel = path
            .strip_prefix(dir)
            .expect("inside")
            .with_extension("html");
        let target = out.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, html).expect("write");
    });
    println!(
        "{} files in {:.3} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
}
