// OpsConsole's own browser code: small on purpose, everything else is server-rendered.
window.opsConsole = {
    // Remembered in a cookie so that the server renders the chosen theme on the next first paint. Secure over HTTPS,
    // like every cookie the server sets outside Development (plain HTTP is for local development only).
    setTheme(mode) {
        const secure = location.protocol === "https:" ? "; secure" : "";
        document.cookie = `ops-theme=${mode === "dark" ? "dark" : "light"}; path=/; max-age=31536000; samesite=lax${secure}`;
    },
};

// The browser's time zone, for the server to render times in it (Components/ViewerTimeZone.cs); written only when it changed.
(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || document.cookie.split("; ").includes(`ops-tz=${encodeURIComponent(zone)}`)) return;
    const secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = `ops-tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax${secure}`;
})();

// Blazor reports circuit trouble on #components-reconnect-modal; mirror it on <body> for the app bar indicator.
document.addEventListener("DOMContentLoaded", () => {
    const banner = document.getElementById("components-reconnect-modal");
    if (!banner) return;
    banner.addEventListener("components-reconnect-state-changed", (event) => {
        const state = event.detail.state;
        document.body.dataset.connection =
            state === "show" || state === "retrying" ? "reconnecting" :
            state === "failed" || state === "rejected" ? "disconnected" : "live";
    });
});

// Zoom and pan of the lock graph (Locks/WaitForGraphView). The server lays the graph out and renders the whole
// drawing as the svg's viewBox, which fits the panel; this only moves a window over it: wheel and pinch zoom, drag
// and arrow keys pan, + and − zoom, 0 and "Fit" fit. Delegated from document, so graphs drawn later need no set-up.
// A zoomed view is kept across live redraws: when Blazor writes a new viewBox (the drawing grew), it is put back.
(() => {
    const views = new WeakMap(); // svg -> { x, y, w, h, observer } while zoomed or panned; none while fitted
    const extent = svg => svg.dataset.extent.split(" ").map(Number);
    const current = svg => views.get(svg) ?? { x: 0, y: 0, w: extent(svg)[0], h: extent(svg)[1] };
    const announce = (svg, text) => {
        const status = svg.closest("[data-graph-panel]")?.querySelector("[data-graph-status]");
        if (status) status.textContent = text;
    };
    const percent = svg => Math.round(svg.getScreenCTM().a * 100);

    function show(svg, view) {
        const [width, height] = extent(svg);
        view.w = Math.min(Math.max(view.w, width / 10), width * 4);
        view.h = view.w * height / width;
        // Keep some of the drawing in the window: never pan it out of sight.
        view.x = Math.min(Math.max(view.x, -view.w * 0.8), width - view.w * 0.2);
        view.y = Math.min(Math.max(view.y, -view.h * 0.8), height - view.h * 0.2);
        let state = views.get(svg);
        if (!state) {
            state = { observer: new MutationObserver(() => apply(svg)) };
            views.set(svg, state);
        }
        Object.assign(state, { x: view.x, y: view.y, w: view.w, h: view.h });
        apply(svg);
    }

    function apply(svg) {
        const state = views.get(svg);
        if (!state) return;
        const box = `${state.x} ${state.y} ${state.w} ${state.h}`;
        state.observer.disconnect();
        if (svg.getAttribute("viewBox") !== box) svg.setAttribute("viewBox", box);
        state.observer.observe(svg, { attributes: true, attributeFilter: ["viewBox"] });
    }

    function fit(svg) {
        views.get(svg)?.observer.disconnect();
        views.delete(svg);
        const [width, height] = extent(svg);
        svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
        announce(svg, "Graph fitted to the panel");
    }

    // Zooms by factor around a point given in the drawing's units (the window's centre when none).
    function zoom(svg, factor, at) {
        const view = current(svg);
        const point = at ?? { x: view.x + view.w / 2, y: view.y + view.h / 2 };
        show(svg, { x: point.x - (point.x - view.x) / factor, y: point.y - (point.y - view.y) / factor, w: view.w / factor, h: view.h / factor });
        announce(svg, `Zoom ${percent(svg)} %`);
    }

    function pan(svg, dx, dy) {
        const view = current(svg);
        show(svg, { ...view, x: view.x + dx, y: view.y + dy });
    }

    const toDrawing = (svg, clientX, clientY) => new DOMPoint(clientX, clientY).matrixTransform(svg.getScreenCTM().inverse());
    const graphOf = target => target instanceof Element ? target.closest("[data-graph-viewport]") : null;

    document.addEventListener("click", event => {
        const button = event.target instanceof Element ? event.target.closest("[data-graph-action]") : null;
        const svg = button?.closest("[data-graph-panel]")?.querySelector("[data-graph-viewport]");
        if (!svg) return;
        const action = button.dataset.graphAction;
        if (action === "fit") fit(svg); else zoom(svg, action === "in" ? 1.25 : 0.8);
    });

    document.addEventListener("keydown", event => {
        const svg = graphOf(event.target);
        if (!svg || event.ctrlKey || event.metaKey || event.altKey) return;
        const step = current(svg);
        const keys = {
            "+": () => zoom(svg, 1.25), "=": () => zoom(svg, 1.25), "-": () => zoom(svg, 0.8), "−": () => zoom(svg, 0.8), "0": () => fit(svg),
            ArrowLeft: () => pan(svg, -step.w / 10, 0), ArrowRight: () => pan(svg, step.w / 10, 0),
            ArrowUp: () => pan(svg, 0, -step.h / 10), ArrowDown: () => pan(svg, 0, step.h / 10),
        };
        const act = keys[event.key];
        if (!act) return;
        event.preventDefault();
        act();
        if (event.key.startsWith("Arrow")) announce(svg, `Panned ${event.key.slice(5).toLowerCase()}`);
    });

    // Not passive: the wheel zooms the graph instead of scrolling the page while the pointer is over it.
    document.addEventListener("wheel", event => {
        const svg = graphOf(event.target);
        if (!svg) return;
        event.preventDefault();
        zoom(svg, Math.exp(-event.deltaY / 500), toDrawing(svg, event.clientX, event.clientY));
    }, { passive: false });

    // Drag pans (with a small dead zone, so a click on a session still selects it); two pointers pinch-zoom.
    const pointers = new Map(); // pointerId -> { x, y } in client pixels
    let gesture = null;         // { svg, panning }
    document.addEventListener("pointerdown", event => {
        const svg = graphOf(event.target);
        if (!svg || (event.pointerType === "mouse" && event.button !== 0)) return;
        if (gesture && gesture.svg !== svg) return;
        gesture ??= { svg, panning: false };
        pointers.set(event.pointerId, { x: event.clientX, y: event.clientY, startX: event.clientX, startY: event.clientY });
    });
    document.addEventListener("pointermove", event => {
        const last = pointers.get(event.pointerId);
        if (!gesture || !last) return;
        const svg = gesture.svg;
        const scale = svg.getScreenCTM().a;
        if (pointers.size === 2) {
            const [a, b] = [...pointers.values()];
            const before = Math.hypot(a.x - b.x, a.y - b.y);
            last.x = event.clientX;
            last.y = event.clientY;
            const after = Math.hypot(a.x - b.x, a.y - b.y);
            gesture.panning = true;
            if (before > 0) zoom(svg, after / before, toDrawing(svg, (a.x + b.x) / 2, (a.y + b.y) / 2));
            return;
        }
        if (!gesture.panning && Math.hypot(event.clientX - last.startX, event.clientY - last.startY) < 4) return;
        if (!gesture.panning) {
            gesture.panning = true;
            svg.classList.add("panning");
            svg.setPointerCapture(event.pointerId);
        }
        pan(svg, (last.x - event.clientX) / scale, (last.y - event.clientY) / scale);
        last.x = event.clientX;
        last.y = event.clientY;
    });
    const release = event => {
        if (!pointers.delete(event.pointerId) || pointers.size > 0 || !gesture) return;
        const { svg, panning } = gesture;
        gesture = null;
        svg.classList.remove("panning");
        if (!panning) return;
        announce(svg, `Zoom ${percent(svg)} %, panned`);
        // The click that ends a drag must not select the session under the pointer.
        const swallow = e => { e.stopPropagation(); e.preventDefault(); };
        document.addEventListener("click", swallow, { capture: true, once: true });
        setTimeout(() => document.removeEventListener("click", swallow, { capture: true }), 0);
    };
    document.addEventListener("pointerup", release);
    document.addEventListener("pointercancel", release);
})();

// The navigation drawer (Layout/MainLayout, decisions/0041): MudBlazor's markup and CSS, its state kept here rather than
// in a component on the server. Rendered open and "initial", which MudBlazor's CSS shows on a wide screen and hides on a
// narrow one (below its md breakpoint, 960 px). On a narrow screen an open drawer lies over the page behind an overlay;
// a click on the overlay or on a link in the drawer closes it, as MudDrawer and MudNavLink did. Crossing the
// breakpoint puts it back as first rendered, as MudDrawer's responsive variant does. Delegated from document: the
// server may redraw the layout, and it never rewrites these classes (they never change in its render).
(() => {
    const narrow = window.matchMedia("(max-width: 959.98px)");
    const parts = () => ({
        layout: document.querySelector("[data-ops-layout]"),
        drawer: document.getElementById("ops-drawer"),
        overlay: document.querySelector("[data-ops-layout] .mud-drawer-overlay"),
        toggle: document.querySelector("[data-drawer-toggle]"),
    });
    const isOpen = ({ drawer }) =>
        drawer.classList.contains("mud-drawer--open") && !(narrow.matches && drawer.classList.contains("mud-drawer--initial"));

    function set(open, initial = false) {
        const p = parts();
        if (!p.drawer) return;
        p.layout.classList.toggle("mud-drawer-open-responsive-md-left", open);
        p.layout.classList.toggle("mud-drawer-close-responsive-md-left", !open);
        p.drawer.classList.toggle("mud-drawer--open", open);
        p.drawer.classList.toggle("mud-drawer--closed", !open);
        p.overlay?.classList.toggle("mud-drawer-overlay--open", open);
        for (const part of [p.drawer, p.overlay]) part?.classList.toggle("mud-drawer--initial", initial);
        p.toggle?.setAttribute("aria-expanded", String(isOpen(p)));
    }

    document.addEventListener("click", (event) => {
        const target = event.target;
        if (target.closest?.("[data-drawer-toggle]")) set(!isOpen(parts()));
        else if (target.closest?.("[data-ops-layout] .mud-drawer-overlay")) set(false);
        else if (narrow.matches && target.closest?.("#ops-drawer a")) set(false);
    });
    narrow.addEventListener("change", () => set(true, true));
})();
