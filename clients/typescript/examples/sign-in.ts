import { bearer, createGatehouseClient } from "../src/index.js";

const gatehouse = createGatehouseClient(process.env.GATEHOUSE_URL ?? "http://127.0.0.1:5000");
const login = await gatehouse.POST("/api/v1/auth/login", {
  body: { email: process.env.GATEHOUSE_EMAIL ?? "", password: process.env.GATEHOUSE_PASSWORD ?? "" },
});
if (!login.data) throw new Error(`sign-in failed: ${login.error?.error.code}`);
const answer = login.data.data;
// With two-factor sign-in on, the password alone answers { mfa_required, mfa_token, ... }: POST /api/v1/auth/login/mfa next.
if ("mfa_required" in answer) throw new Error("this account needs a code: POST /api/v1/auth/login/mfa");
gatehouse.use(bearer(() => answer.access_token));

const me = await gatehouse.GET("/api/v1/users/me");
if (!me.data) throw new Error(`/users/me failed: ${me.error?.error.code}`);
console.log(JSON.stringify({ id: me.data.data.id, email: me.data.data.email }));
