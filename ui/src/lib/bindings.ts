// Placeholder with the exact shape tauri-specta generates; replaced by `cargo xtask bindings`.
/* eslint-disable */

/** user-defined commands **/

export const commands = {
async getSettings() : Promise<Result<SettingsState, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("get_settings") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async saveSettings(settings: Settings) : Promise<Result<Settings, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("save_settings", { settings }) };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async appInfo() : Promise<AppInfo> {
    return await TAURI_INVOKE("app_info");
},
async chooseFolder(current: string | null) : Promise<Result<string | null, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("choose_folder", { current }) };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async showLogs() : Promise<Result<null, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("show_logs") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async listAccounts() : Promise<Result<AccountSummary[], AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("list_accounts") };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async signIn(method: SignInMethod) : Promise<Result<AccountSummary, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("sign_in", { method }) };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
},
async listJobs() : Promise<JobProgress[]> {
    return await TAURI_INVOKE("list_jobs");
},
async cancelJob(id: string) : Promise<Result<null, AppError>> {
    try {
    return { status: "ok", data: await TAURI_INVOKE("cancel_job", { id }) };
} catch (e) {
    if(e instanceof Error) throw e;
    else return { status: "error", error: e  as any };
}
}
}

/** user-defined events **/


export const events = __makeEvents__<{
jobProgressEvent: JobProgressEvent,
menuEvent: MenuEvent,
settingsChanged: SettingsChanged
}>({
jobProgressEvent: "job-progress-event",
menuEvent: "menu-event",
settingsChanged: "settings-changed"
})

/** user-defined constants **/



/** user-defined types **/

export type AccountSummary = { id: string; displayName: string; username: string; cloud: Cloud; tenants: TenantSummary[] }
export type AppError = { code: ErrorCode; message: string; hint: string | null; details: string | null }
export type AppInfo = { name: string; version: string; os: string; logDir: string; settingsFile: string; debug: boolean }
export type Cloud = "azurePublic" | "azureChina" | "azureUsGov" | "custom"
export type ErrorCode = "settings_corrupt" | "settings_unwritable" | "folder_unavailable" | "logs_unavailable" | "sign_in_unavailable" | "job_not_found" | "internal"
export type JobProgress = { id: string; kind: JobKind; title: string; phase: JobPhase; done: number; total: number | null; bytesPerSecond: number | null; error: AppError | null }
export type JobKind = "download" | "usageReport" | "sync"
export type JobPhase = "queued" | "running" | "finished" | "failed" | "cancelled"
export type JobProgressEvent = JobProgress
export type Language = "system" | "en" | "nl"
export type MenuAction = "settings" | "about" | "showLogs" | "supportRequest" | "toggleDetails" | "toggleActivity" | "find"
export type MenuEvent = { action: MenuAction }
export type Settings = { language: Language; theme: Theme; downloadFolder: string | null; fileNameTemplate: string }
export type SettingsChanged = Settings
export type SettingsState = { settings: Settings; warning: AppError | null }
export type SignInMethod = "browser" | "deviceCode" | "azureCli"
export type TenantSummary = { id: string; displayName: string; enabled: boolean }
export type Theme = "system" | "light" | "dark"

/** tauri-specta globals **/

import {
	invoke as TAURI_INVOKE,
	Channel as TAURI_CHANNEL,
} from "@tauri-apps/api/core";
import * as TAURI_API_EVENT from "@tauri-apps/api/event";
import { type WebviewWindow as __WebviewWindow__ } from "@tauri-apps/api/webviewWindow";

type __EventObj__<T> = {
	listen: (
		cb: TAURI_API_EVENT.EventCallback<T>,
	) => ReturnType<typeof TAURI_API_EVENT.listen<T>>;
	once: (
		cb: TAURI_API_EVENT.EventCallback<T>,
	) => ReturnType<typeof TAURI_API_EVENT.once<T>>;
	emit: null extends T
		? (payload?: T) => ReturnType<typeof TAURI_API_EVENT.emit>
		: (payload: T) => ReturnType<typeof TAURI_API_EVENT.emit>;
};

export type Result<T, E> =
	| { status: "ok"; data: T }
	| { status: "error"; error: E };

function __makeEvents__<T extends Record<string, any>>(
	mappings: Record<keyof T, string>,
) {
	return new Proxy(
		{} as unknown as {
			[K in keyof T]: __EventObj__<T[K]> & {
				(handle: __WebviewWindow__): __EventObj__<T[K]>;
			};
		},
		{
			get: (_, event) => {
				const name = mappings[event as keyof T];

				return new Proxy((() => {}) as any, {
					apply: (_, __, [window]: [__WebviewWindow__]) => ({
						listen: (arg: any) => window.listen(name, arg),
						once: (arg: any) => window.once(name, arg),
						emit: (arg: any) => window.emit(name, arg),
					}),
					get: (_, command: keyof __EventObj__<any>) => {
						switch (command) {
							case "listen":
								return (arg: any) => TAURI_API_EVENT.listen(name, arg);
							case "once":
								return (arg: any) => TAURI_API_EVENT.once(name, arg);
							case "emit":
								return (arg: any) => TAURI_API_EVENT.emit(name, arg);
						}
					},
				});
			},
		},
	);
}
