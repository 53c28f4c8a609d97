/**
 * @module dashboard/session
 * The API key for this browser tab. Kept in sessionStorage: it survives reloads but not the tab, is never
 * put in a URL (where it would reach history, logs and Referer headers), and is sent only as a Bearer
 * header to this origin.
 */
const KEY = 'edge-automl.api-key';

export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);
