// oidc-provider ships no types; this is the least the hub needs to import it under `strict`.
declare module 'oidc-provider' {
  const Provider: any;
  export default Provider;
  export const errors: any;
  export const interactionPolicy: any;
}
