/** The ring of an incoming call: two short tones every two seconds, made with Web Audio (no
 * sound file to load). Browsers only allow sound after a gesture, so `unlock` is called from the
 * "Go online" click. */
let context: AudioContext | null = null;
let timer: number | undefined;

export function unlock(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {
    context = null; // no audio here: the visible card still rings
  }
}

function beep(at: number, frequency: number): void {
  if (!context) return;
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(at);
  oscillator.stop(at + 0.3);
}

export function setRinging(on: boolean): void {
  if (on && timer === undefined) {
    const ring = () => {
      if (!context) return;
      beep(context.currentTime, 880);
      beep(context.currentTime + 0.35, 660);
    };
    ring();
    timer = window.setInterval(ring, 2000);
  } else if (!on && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}
