// C headers of the typed SDK (filled in below).
export function generateC() { return {}; }
