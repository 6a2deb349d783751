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
