import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

async function start(): Promise<void> {
  // The browser-test flavour (`vite build --mode e2e`) answers IPC in the page itself.
  // Release builds drop this branch and the mock module with it.
  if (import.meta.env.MODE === "e2e") {
    const { installMock } = await import("./e2e/mock");
    installMock();
  }
  const target = document.getElementById("app");
  if (!target) throw new Error("#app is missing from index.html");
  mount(App, { target });
}

void start();
