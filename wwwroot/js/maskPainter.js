// The inpainting mask painter: one canvas over the source image, at the image's own pixel size, so the exported mask
// matches the source pixel for pixel whatever size the canvas is shown at. The paint's alpha is the mask: exported as
// white on black, white = repaint (A1111, diffusers); on screen it shows in a colour that stands out on any image.

const MaxUndo = 30;
const Paint = [255, 64, 129];
const painters = new WeakMap();

/** Binds a painter to the canvas; the canvas takes the image's natural size once the image has loaded. */
export function attach(canvas, image, owner) {
    const state = { owner, size: 32, erase: false, undo: [], drawing: false, last: null };
    state.ready = new Promise(resolve => state.fitted = resolve);
    painters.set(canvas, state);
    canvas.getContext("2d", { willReadFrequently: true }); // undo snapshots and the painted check read pixels back
    const fit = () => {
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        // The stage's CSS sizes the image by its aspect ratio, so a small source is shown large enough to paint on.
        canvas.parentElement.style.setProperty("--aspect", image.naturalWidth / image.naturalHeight);
        state.undo = [];
        canvas.dataset.ready = "true";
        notify(canvas, state);
        state.fitted();
    };
    if (image.complete && image.naturalWidth > 0) fit(); else image.addEventListener("load", fit, { once: true });

    canvas.addEventListener("pointerdown", e => {
        if (e.button !== 0) return;
        canvas.setPointerCapture(e.pointerId);
        remember(canvas, state);
        state.drawing = true;
        state.last = toImage(canvas, e);
        stroke(canvas, state, state.last, state.last);
    });
    canvas.addEventListener("pointermove", e => {
        if (!state.drawing) return;
        const point = toImage(canvas, e);
        stroke(canvas, state, state.last, point);
        state.last = point;
    });
    const end = () => {
        if (!state.drawing) return;
        state.drawing = false;
        notify(canvas, state);
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
}

export function setBrush(canvas, size, erase) {
    const state = painters.get(canvas);
    if (!state) return;
    state.size = size;
    state.erase = erase;
}

export function clear(canvas) {
    const state = painters.get(canvas);
    if (!state) return;
    remember(canvas, state);
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    notify(canvas, state);
}

/** Painted becomes unpainted and the reverse, pixel by pixel (soft brush edges invert to soft edges). */
export function invert(canvas) {
    const state = painters.get(canvas);
    if (!state) return;
    remember(canvas, state);
    const context = canvas.getContext("2d");
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const data = pixels.data;
    for (let i = 0; i < data.length; i += 4) {
        [data[i], data[i + 1], data[i + 2]] = Paint;
        data[i + 3] = 255 - data[i + 3];
    }
    context.putImageData(pixels, 0, 0);
    notify(canvas, state);
}

/**
 * Shows a stored mask (a PNG, white = repaint) as paint once the canvas has its size: the mask's gray becomes the
 * paint's alpha, the reverse when the job inverted its mask, so exporting it again gives the mask the job used.
 */
export async function loadMask(canvas, png, inverted) {
    const state = painters.get(canvas);
    if (!state) return;
    await state.ready;
    const mask = await createImageBitmap(new Blob([png], { type: "image/png" }));
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(mask, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const data = pixels.data;
    for (let i = 0; i < data.length; i += 4) {
        const gray = data[i];
        [data[i], data[i + 1], data[i + 2]] = Paint;
        data[i + 3] = inverted ? 255 - gray : gray;
    }
    context.putImageData(pixels, 0, 0);
    state.undo = [];
    notify(canvas, state);
}

export function undo(canvas) {
    const state = painters.get(canvas);
    if (!state || state.undo.length === 0) return;
    canvas.getContext("2d").putImageData(state.undo.pop(), 0, 0);
    notify(canvas, state);
}

/** The mask as a PNG at the source's pixel size: black background, white where painted (the paint's alpha as gray). */
export async function exportMask(canvas) {
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const context = out.getContext("2d");
    context.drawImage(canvas, 0, 0);
    context.globalCompositeOperation = "source-in"; // white, keeping the paint's alpha
    context.fillStyle = "#fff";
    context.fillRect(0, 0, out.width, out.height);
    context.globalCompositeOperation = "destination-over";
    context.fillStyle = "#000";
    context.fillRect(0, 0, out.width, out.height);
    const blob = await new Promise(resolve => out.toBlob(resolve, "image/png"));
    return new Uint8Array(await blob.arrayBuffer());
}

export function detach(canvas) {
    painters.delete(canvas);
}

function toImage(canvas, e) {
    const box = canvas.getBoundingClientRect();
    return { x: (e.clientX - box.left) * canvas.width / box.width, y: (e.clientY - box.top) * canvas.height / box.height };
}

function stroke(canvas, state, from, to) {
    const context = canvas.getContext("2d");
    context.globalCompositeOperation = state.erase ? "destination-out" : "source-over";
    context.strokeStyle = `rgb(${Paint.join(",")})`;
    context.lineWidth = state.size;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    context.globalCompositeOperation = "source-over";
}

function remember(canvas, state) {
    state.undo.push(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height));
    if (state.undo.length > MaxUndo) state.undo.shift();
}

function isPainted(canvas) {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
}

function notify(canvas, state) {
    state.owner.invokeMethodAsync("OnMaskChanged", isPainted(canvas), state.undo.length);
}
