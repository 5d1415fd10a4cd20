// The CLI demo's mod (npm run demo:cli): it wants to save a note. At level 1 the call is refused
// (ImportRefused: file_write needs level 2); at level 2 the player is asked first (--allow-writes
// answers yes) and the note lands in the mod's own folder.
import { print, file_write } from "../../sdk/assemblyscript/wasgo";

export function main(): i32 {
  print("diary: hello! saving a note...");
  const r = file_write("note.txt", "diary was here");
  print(r == 0 ? "diary: note saved" : "diary: the player said no");
  return r == 0 ? 0 : 1;
}
