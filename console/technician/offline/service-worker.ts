import type { Router } from 'express'
import { cspHash } from '../../csp.js'
import { PAGE_STYLE } from '../../style.js'

/** The page a phone shows for a technician page it has no copy of, styled like every page and allowed by its own policy. */
const NOT_SAVED_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Not saved on this phone</title><style>${PAGE_STYLE}</style></head><body><main><h1>Not saved on this phone</h1>
<p class="warn" role="status">No connection, and this page was not saved on this phone.</p>
<p>Today's and tomorrow's jobs are saved on this phone each time you open Today with a connection.</p>
<p><a class="btn" href="/today">Today's saved jobs</a></p></main></body></html>`

const NOT_SAVED_POLICY = `default-src 'none'; style-src ${cspHash(PAGE_STYLE)}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`

/** How long a kept page waits for the network before the copy is shown instead: one bar of signal may take far longer. */
export const SLOW_MS = 4000

/**
 * The service worker (GET /sw.js, scope /). It keeps, for the signed-in technician only, the copies of the pages the
 * server marks with X-Offline-Copy (today's and tomorrow's day pages and those days' tickets, see offline/copy.ts):
 * network first, the copy when the network fails ("Saved at … — no connection") or has not answered within SLOW_MS while a copy
 * exists ("— slow connection"; the page still arriving is kept for next time). Copies end with
 * their day; a day page drops the copies of its day's tickets it no longer lists (one given to someone else); all are
 * deleted on sign-out, at any sign-in page, when a page answers "signed out", or when another person's page is kept.
 * A technician page it has no copy of answers "Not saved on this phone". Everything else passes by untouched.
 */
export const SERVICE_WORKER = `'use strict';
var C='offline-copies:',SLOW_MS=${SLOW_MS},NOT_SAVED=${JSON.stringify(NOT_SAVED_PAGE)},NOT_SAVED_POLICY=${JSON.stringify(NOT_SAVED_POLICY)};
self.addEventListener('install',function(){self.skipWaiting()});
self.addEventListener('activate',function(e){e.waitUntil(self.clients.claim().then(prune))});
self.addEventListener('fetch',function(e){var r=e.request,u=new URL(r.url);if(u.origin!==location.origin)return;
if(u.pathname==='/auth/logout'||(r.mode==='navigate'&&/^\\/auth\\//.test(u.pathname))){e.respondWith(forget().then(function(){return fetch(r)}));return}
if(r.mode!=='navigate'||r.method!=='GET'||!/^\\/(today$|tickets\\/)/.test(u.pathname))return;
e.respondWith(new Promise(function(done){var over=false,net=fetch(r);function end(x){if(!over){over=true;done(x)}}
e.waitUntil(net.then(function(res){return keep(u,res.clone()).catch(function(){})},function(){}));
net.then(end,function(){end(copyOf(u,'no connection'))});
setTimeout(function(){if(!over)copyOf(u,'slow connection').then(function(c){if(c.status!==503)end(c)})},SLOW_MS)}))});
function ours(){return caches.keys().then(function(ks){return ks.filter(function(k){return k.indexOf(C)===0})})}
function forget(){return ours().then(function(ks){return Promise.all(ks.map(function(k){return caches.delete(k)}))})}
function metaOf(res){try{return JSON.parse(res.headers.get('x-offline'))}catch(x){return null}}
function each(fn){return ours().then(function(ks){return Promise.all(ks.map(function(k){return caches.open(k).then(function(c){return c.keys().then(function(qs){
return Promise.all(qs.map(function(q){return c.match(q).then(function(res){return fn(c,q,res,res&&metaOf(res))})}))})})}))})}
function prune(){var now=Date.now();return each(function(c,q,res,m){if(!m||Date.parse(m.until)<=now)return c.delete(q)})}
function keep(u,res){var page=/^\\/(today|tickets\\/[^/]+)$/.test(u.pathname),h=res.headers.get('x-offline-copy');
if(res.type==='opaqueredirect'&&page)return forget();
if(!h)return res.status<500?each(function(c,q,r,m){if(m&&m.asked.indexOf(u.pathname+u.search)>=0)return c.delete(q)}):Promise.resolve();
var m=JSON.parse(h);m.asked=[u.pathname+u.search,m.url];
return res.text().then(function(body){return ours().then(function(ks){return Promise.all(ks.filter(function(k){return k!==C+m.person}).map(function(k){return caches.delete(k)}))})
.then(function(){return caches.open(C+m.person)}).then(function(c){return c.put(m.url,new Response(body,{headers:{'content-type':'text/html; charset=utf-8',
'content-security-policy':res.headers.get('content-security-policy')||"default-src 'none'",'x-offline':JSON.stringify({url:m.url,asked:m.asked,date:m.date,until:m.until,from:m.from,day:m.day,saved:m.saved})}}))})})
.then(function(){return m.day?each(function(c,q,r,x){if(x&&x.date===m.day&&/^\\/tickets\\//.test(x.url)&&(m.fetch||[]).indexOf(x.url)<0)return c.delete(q)}):null}).then(prune).then(function(){return (m.fetch||[]).reduce(function(p,url){return p.then(function(){return fetch(url,{credentials:'same-origin',redirect:'manual'})
.then(function(r){return keep(new URL(url,location.origin),r)},function(){})})},Promise.resolve())})}
function copyOf(u,why){var now=Date.now(),want=u.pathname+u.search,date=u.searchParams.get('date'),hit=null;
return each(function(c,q,res,m){if(!m||Date.parse(m.until)<=now)return;
var day=u.pathname==='/today'&&(u.search===''?Date.parse(m.from)<=now:(u.search==='?date='+date&&m.day===date));
if(m.asked.indexOf(want)>=0||(m.day&&day))hit={res:res,m:m}}).then(function(){
if(!hit)return new Response(NOT_SAVED,{status:503,headers:{'content-type':'text/html; charset=utf-8','content-security-policy':NOT_SAVED_POLICY}});
return hit.res.text().then(function(body){var line='<p class="warn" role="status">'+esc(hit.m.saved)+' \\u2014 '+why+'. This is a copy kept on this phone'+(why==='no connection'?'.':'; reload for the latest.')+'</p>';
return new Response(body.replace('</h1>','</h1>'+line),{headers:{'content-type':'text/html; charset=utf-8','content-security-policy':hit.res.headers.get('content-security-policy')}})})})}
function esc(s){return String(s).replace(/[&<>"']/g,function(c){return'&#'+c.charCodeAt(0)+';'})}`

/** The worker's own policy: it fetches this site's pages and nothing else. */
const SW_POLICY = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"

/** Serves the service worker from the site's root, so its scope is every page; it reads no data itself. */
export function mountServiceWorker(router: Router): void {
  router.get('/sw.js', (_req, res) => {
    res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': SW_POLICY })
    res.send(SERVICE_WORKER)
  })
}
