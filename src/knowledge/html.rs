//! A web page as clean Markdown: the main content only (the `selector`, else `main`, `[role=main]` or
//! `article`, else the body), without navigation, site header and footer, scripts, forms and hidden parts;
//! converted with htmd (turndown's rules).

use ego_tree::NodeId;
use scraper::{Html, Selector};

/// Parts of a page that are never knowledge.
const BOILERPLATE: &str = "nav, aside, script, style, noscript, template, iframe, form, button, svg, canvas, \
    [role=navigation], [role=banner], [role=contentinfo], [role=search], [hidden], [aria-hidden=true]";
/// Page header and footer; inside an `article` they hold its title or byline and stay.
const PAGE_FRAME: &str = "header, footer";
/// Where the main content usually is, best first.
const MAIN: &[&str] = &["main", "[role=main]", "article"];

/// Why a page gave no Markdown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// The `selector` is not CSS aispec understands.
    #[error("the selector `{selector}` is not valid CSS ({reason})")]
    BadSelector {
        /// The selector.
        selector: String,
        /// What the parser said.
        reason: String,
    },
    /// The `selector` matches nothing: the page's layout has probably changed.
    #[error("the selector `{0}` matches nothing on the page")]
    NoMatch(String),
    /// Nothing but boilerplate.
    #[error("the page has no text in its main content")]
    Empty,
}

/// Checks a `selector` without a page, for `validate`.
pub fn check_selector(selector: &str) -> Result<(), HtmlError> {
    parse_selector(selector).map(|_| ())
}

fn parse_selector(selector: &str) -> Result<Selector, HtmlError> {
    Selector::parse(selector).map_err(|e| HtmlError::BadSelector {
        selector: selector.to_owned(),
        // The parser's message starts with a generic sentence; its last line names the problem.
        reason: e.to_string().lines().last().unwrap_or_default().trim().to_owned(),
    })
}

/// The page's main content as Markdown, ending in one newline.
pub fn to_markdown(page: &str, selector: Option<&str>) -> Result<String, HtmlError> {
    let mut doc = Html::parse_document(page);
    let roots = main_content(&doc, selector)?;
    drop_boilerplate(&mut doc, &roots);
    let mut html = String::new();
    for id in roots {
        if let Some(el) = doc.tree.get(id).and_then(scraper::ElementRef::wrap) {
            html.push_str(&el.html());
            html.push('\n');
        }
    }
    let converter = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: htmd::options::HrStyle::Dashes,
            ..Default::default()
        })
        .skip_tags(vec![
            "script", "style", "noscript", "template", "iframe", "svg", "canvas",
        ])
        .build();
    let markdown = converter.convert(&html).map_err(|_| HtmlError::Empty)?;
    let tidy = tidy(&markdown);
    if tidy.trim().is_empty() {
        return Err(HtmlError::Empty);
    }
    Ok(tidy)
}

/// The elements whose content is kept, outermost only, in document order.
fn main_content(doc: &Html, selector: Option<&str>) -> Result<Vec<NodeId>, HtmlError> {
    let found: Vec<_> = match selector {
        Some(s) => {
            let sel = parse_selector(s)?;
            let found: Vec<_> = doc.select(&sel).map(|e| e.id()).collect();
            if found.is_empty() {
                return Err(HtmlError::NoMatch(s.to_owned()));
            }
            found
        }
        None => MAIN
            .iter()
            .filter_map(|s| Selector::parse(s).ok())
            .map(|sel| doc.select(&sel).map(|e| e.id()).collect::<Vec<_>>())
            .find(|v| !v.is_empty())
            .or_else(|| {
                let body = Selector::parse("body").ok()?;
                Some(doc.select(&body).map(|e| e.id()).collect())
            })
            .unwrap_or_default(),
    };
    let outermost = found
        .iter()
        .copied()
        .filter(|id| {
            doc.tree
                .get(*id)
                .is_some_and(|n| !n.ancestors().any(|a| found.contains(&a.id())))
        })
        .collect();
    Ok(outermost)
}

/// Detaches navigation, page header and footer, scripts and hidden parts (never a kept root itself).
fn drop_boilerplate(doc: &mut Html, roots: &[NodeId]) {
    let mut doomed = Vec::new();
    if let Ok(sel) = Selector::parse(BOILERPLATE) {
        doomed.extend(doc.select(&sel).map(|e| e.id()));
    }
    if let (Ok(frame), Ok(article)) = (Selector::parse(PAGE_FRAME), Selector::parse("article")) {
        let articles: Vec<_> = doc.select(&article).map(|e| e.id()).collect();
        doomed.extend(
            doc.select(&frame)
                .filter(|e| !e.ancestors().any(|a| articles.contains(&a.id())))
                .map(|e| e.id()),
        );
    }
    for id in doomed.into_iter().filter(|id| !roots.contains(id)) {
        if let Some(mut node) = doc.tree.get_mut(id) {
            node.detach();
        }
    }
}

/// Trailing spaces off every line (except Markdown's two-space line break), at most one blank line in a row,
/// one newline at the end.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.trim().lines() {
        let kept = if line.ends_with("  ") && !line.trim().is_empty() {
            line
        } else {
            line.trim_end()
        };
        if kept.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(kept);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head><title>Affald</title><style>p{}</style></head><body>
<header><a href="/">Aarhus Kommune</a><nav><a href="/a">Borger</a> <a href="/b">Erhverv</a></nav></header>
<main><article><header><h1>Sortering af affald</h1></header>
<p>Pap og papir sorteres <strong>hver for sig</strong>.</p>
<ul><li>Glas</li><li>Metal</li></ul>
<form><input name="q"><button>Søg</button></form>
<div hidden>skjult</div><script>track()</script></article>
<aside>Se også: genbrugsstationer</aside></main>
<footer>Kontakt os · Cookies</footer></body></html>"#;

    #[test]
    fn the_main_content_without_navigation_header_and_footer() {
        let md = to_markdown(PAGE, None).expect("markdown");
        assert_eq!(
            md,
            "# Sortering af affald\n\nPap og papir sorteres **hver for sig**.\n\n- Glas\n- Metal\n"
        );
    }

    #[test]
    fn a_selector_picks_the_content() {
        let md = to_markdown(PAGE, Some("main ul")).expect("markdown");
        assert_eq!(md, "- Glas\n- Metal\n");
        assert_eq!(
            to_markdown(PAGE, Some(".gone")),
            Err(HtmlError::NoMatch(".gone".to_owned()))
        );
        assert!(matches!(check_selector("main >"), Err(HtmlError::BadSelector { .. })));
    }

    #[test]
    fn a_page_without_main_uses_the_body_and_empty_pages_are_errors() {
        let md = to_markdown("<body><nav>Menu</nav><p>Hej <em>verden</em></p></body>", None).expect("md");
        assert_eq!(md, "Hej *verden*\n");
        assert_eq!(to_markdown("<body><nav>Menu</nav></body>", None), Err(HtmlError::Empty));
    }
}
