"""A lesson as a slide deck: one self-contained HTML file that a trainer shows full screen.

Each chapter gives three slides (definition, live example, common mistakes) in the trainer's
order. The file has no outside resources (charts are inlined as SVG rendered by ``vl-convert``),
so it works offline, on a projector's laptop or a phone. It navigates with the keyboard (→,
Space, PageDown forward; ←, PageUp back; Home, End; F full screen), with taps on the left or
right half and with swipes. Every text is HTML-escaped: a data set's names end up on slides.
"""

from __future__ import annotations

import html
import importlib.util
import re
from dataclasses import dataclass

import altair as alt

from kundenmodell.learn.chapters import chapter
from kundenmodell.learn.examples import ExampleData, live_example


@dataclass(frozen=True)
class Slide:
    """One slide: its chapter's title, a big line, body lines and an optional chart (SVG)."""

    title: str
    lead: str = ""
    lines: tuple[str, ...] = ()
    chart_svg: str | None = None
    kind: str = "definition"
    chart_text: str = ""
    """The chart's one-line text alternative, given to screen readers as the figure's label."""


@dataclass(frozen=True)
class DeckLabels:
    """The deck's own words, translated by the caller."""

    mistakes: str
    no_example: str
    previous: str
    next: str
    full_screen: str
    slide: str  # with {current} and {total}


def _svg(chart: alt.TopLevelMixin | None) -> str | None:
    """The chart as an SVG string, or None without ``vl-convert`` (the slide keeps its text)."""
    if chart is None or importlib.util.find_spec("vl_convert") is None:
        return None
    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_json())
    svg = svg[svg.find("<svg") :]  # without the XML prolog, to sit inside the page
    # without its fixed size the picture scales with the slide (its viewBox keeps the shape)
    svg = re.sub(r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"', r"<svg\1", svg, count=1)
    return svg.replace("<svg ", "<svg preserveAspectRatio='xMinYMin meet' ", 1)


def lesson_slides(
    chapter_keys: list[str],
    data: ExampleData | None,
    lang: str,
    labels: DeckLabels,
    *,
    currency: str = "EUR",
) -> list[Slide]:
    """The slides of ``chapter_keys``: definition, live example (or why there is none) and
    common mistakes of each chapter."""
    slides: list[Slide] = []
    for key in chapter_keys:
        text = chapter(key, lang)
        slides.append(Slide(text.title, text.definition, kind="definition"))
        example = live_example(key, data, lang, currency) if data is not None else None
        if example is None:
            reason = text.no_example if data is not None else labels.no_example
            slides.append(Slide(text.title, "", (reason,), kind="example"))
        else:
            slides.append(
                Slide(
                    text.title,
                    example.headline,
                    (example.text,),
                    _svg(example.chart),
                    "example",
                    example.summary or "",
                )
            )
        slides.append(Slide(text.title, labels.mistakes, tuple(text.mistakes), kind="mistakes"))
    return slides


def _slide_html(slide: Slide, index: int) -> str:
    escape = html.escape
    body = "".join(
        f"<li>{escape(line)}</li>" if slide.kind == "mistakes" else f"<p>{escape(line)}</p>"
        for line in slide.lines
    )
    if slide.kind == "mistakes":
        body = f"<ul>{body}</ul>"
    label = f" role='img' aria-label='{escape(slide.chart_text)}'" if slide.chart_text else ""
    chart = f"<figure{label}>{slide.chart_svg}</figure>" if slide.chart_svg else ""
    lead_class = "figure" if slide.kind == "example" else "lead"
    lead = f"<div class='{lead_class}'>{escape(slide.lead)}</div>" if slide.lead else ""
    return (
        f"<section class='slide {slide.kind}' data-index='{index}' aria-roledescription='slide'>"
        f"<h1>{escape(slide.title)}</h1>{lead}<div class='body'>{body}{chart}</div></section>"
    )


_STYLE = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#fff;color:#1b1f24;
 font-family:"Source Sans Pro","Segoe UI",Helvetica,Arial,sans-serif;overflow:hidden}
.deck{position:relative;width:100vw;height:100vh}
.slide{position:absolute;inset:0;padding:5vh 6vw 11vh;display:none;flex-direction:column;
 gap:2.5vh;overflow:auto}
.slide.current{display:flex}
h1{margin:0;font-size:clamp(1.6rem,5.2vmin,4rem);line-height:1.1;color:#0e4a5c}
.lead{font-size:clamp(1.3rem,4.6vmin,3.2rem);line-height:1.3;font-weight:600}
.figure{font-size:clamp(2.4rem,11vmin,7rem);font-weight:700;color:#1f6f8b;line-height:1}
.body{font-size:clamp(1.1rem,3.6vmin,2.4rem);line-height:1.35;display:flex;flex-direction:column;
 gap:1.5vh;min-height:0}
.body p{margin:0}.body ul{margin:0;padding-left:1.2em}.body li{margin:.4em 0}
figure{margin:0;flex:1;min-height:0;display:flex;justify-content:flex-start}
figure svg{width:100%;height:100%;max-height:46vh;max-width:min(100%,120vh)}
nav{position:fixed;left:0;right:0;bottom:0;height:9vh;min-height:44px;display:flex;
 align-items:center;justify-content:space-between;padding:0 3vw;background:#f4f6f8;
 border-top:1px solid #d5dbe1;font-size:clamp(.9rem,2.4vmin,1.3rem)}
nav button{font:inherit;min-width:44px;min-height:40px;padding:.3em 1em;border-radius:.4em;
 border:1px solid #8a96a3;background:#fff;color:#1b1f24;cursor:pointer}
nav button:disabled{opacity:.4;cursor:default}
nav button:focus-visible{outline:3px solid #1f6f8b;outline-offset:2px}
.count{color:#3d4752}
"""

_SCRIPT = """
(function(){
 const slides=[...document.querySelectorAll('.slide')];
 const back=document.getElementById('back'), next=document.getElementById('next');
 const count=document.getElementById('count'), pattern=count.dataset.pattern;
 let at=0;
 function show(i){
  at=Math.max(0,Math.min(slides.length-1,i));
  slides.forEach((s,k)=>s.classList.toggle('current',k===at));
  back.disabled=at===0; next.disabled=at===slides.length-1;
  count.textContent=pattern.replace('{current}',at+1).replace('{total}',slides.length);
 }
 function full(){
  const root=document.documentElement;
  if(document.fullscreenElement){document.exitFullscreen();}
  else if(root.requestFullscreen){root.requestFullscreen();}
 }
 function key(e){
  if(e.target&&/INPUT|TEXTAREA|SELECT/.test(e.target.tagName))return;
  const forward=['ArrowRight','PageDown',' ','Enter'], backward=['ArrowLeft','PageUp','Backspace'];
  if(forward.includes(e.key)){show(at+1);e.preventDefault();}
  else if(backward.includes(e.key)){show(at-1);e.preventDefault();}
  else if(e.key==='Home'){show(0);e.preventDefault();}
  else if(e.key==='End'){show(slides.length-1);e.preventDefault();}
  else if(e.key==='f'||e.key==='F'){full();e.preventDefault();}
 }
 back.onclick=()=>show(at-1); next.onclick=()=>show(at+1);
 document.getElementById('full').onclick=full;
 document.addEventListener('keydown',key);
 try{ if(window.parent!==window){window.parent.document.addEventListener('keydown',key);} }
 catch(err){}
 document.querySelector('.deck').addEventListener('click',e=>{
  if(e.target.closest('a,button,figure'))return;
  show(e.clientX>window.innerWidth/3?at+1:at-1);
 });
 let x0=null;
 document.addEventListener('touchstart',e=>{x0=e.touches[0].clientX;},{passive:true});
 document.addEventListener('touchend',e=>{
  if(x0===null)return; const dx=e.changedTouches[0].clientX-x0; x0=null;
  if(Math.abs(dx)>40){show(dx<0?at+1:at-1);}
 });
 show(0); window.focus();
})();
"""


def slide_deck_html(slides: list[Slide], labels: DeckLabels, *, lang: str, title: str) -> str:
    """The whole deck as one HTML document (see the module docstring)."""
    escape = html.escape
    sections = "".join(_slide_html(slide, index) for index, slide in enumerate(slides))
    pattern = escape(labels.slide, quote=True)
    return (
        f"<!doctype html><html lang='{escape(lang)}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<main class='deck' aria-live='polite'>{sections}</main>"
        f"<nav><button id='back' aria-label='{escape(labels.previous)}'>←</button>"
        f"<span id='count' class='count' data-pattern='{pattern}'></span>"
        f"<button id='full'>{escape(labels.full_screen)}</button>"
        f"<button id='next' aria-label='{escape(labels.next)}'>→</button></nav>"
        f"<script>{_SCRIPT}</script></body></html>"
    )
