import { render } from "preact";
import { App, preload } from "./App";
import { loadConfig } from "./lib/config";
import "./styles.css";

const root = document.getElementById("app")!;
preload(location.pathname);
loadConfig()
  .then(() => render(<App />, root))
  .catch((error: Error) => {
    root.innerHTML = "";
    const main = document.createElement("main");
    const message = document.createElement("p");
    message.setAttribute("role", "alert");
    message.textContent = error.message;
    main.appendChild(message);
    root.appendChild(main);
  });
