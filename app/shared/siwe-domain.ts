/**
 * The SIWE domain Litbox's auth sigs are made for. Nodes refuse auth sigs for any other
 * domain, so a signature a user gave some other site cannot be replayed here.
 */
export const LITBOX_SIWE_DOMAIN = 'localhost';
export const LITBOX_SIWE_URI = 'lit:litbox:sandbox';
