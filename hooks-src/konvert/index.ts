// The hooks library: everything main.pb.ts's one-line handlers require from `${__hooks}/konvert.js`.
export * as users from "./jsvm/users.ts";
export * as rooms from "./jsvm/rooms.ts";
