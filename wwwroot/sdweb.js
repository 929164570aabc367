// Small browser helpers for the Blazor pages (theme cookies, the image viewer's keys).
(() => {
    const year = 60 * 60 * 24 * 365;
    const setCookie = (name, value) => { document.cookie = `${name}=${value};path=/;max-age=${year};samesite=lax`; };

    // The server cannot see the system's light/dark preference; this cookie tells it on the next request.
    setCookie("sdweb-system-theme", matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");

    window.sdweb = {
        rememberTheme: dark => setCookie("sdweb-theme", dark ? "dark" : "light"),

        // Arrow keys and Esc for the image viewer, ignored while the user types in a field. Returns a handle to stop().
        viewerKeys: viewer => {
            const onKey = e => {
                if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest("input, textarea, select, [contenteditable]")) return;
                if (!["ArrowLeft", "ArrowRight", "Escape"].includes(e.key)) return;
                e.preventDefault();
                viewer.invokeMethodAsync("OnViewerKey", e.key);
            };
            document.addEventListener("keydown", onKey);
            return { stop: () => document.removeEventListener("keydown", onKey) };
        },
    };
})();
