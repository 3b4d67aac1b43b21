import { QUEUE_SCRIPT } from './queue-script.js'
import { PHOTO_SCRIPT } from '../photo-script.js'

/**
 * The Today and ticket pages' inline script; the pages work without it. It registers the service worker that keeps
 * copies of today's and tomorrow's pages for reading without signal (service-worker.ts), and sends the clock buttons
 * through the close-out's queue: a press with no signal is kept on the phone with the time it was pressed and a fresh
 * one-time token (a copy's token may be used already), shown as kept, and sent in order when the connection returns.
 * The photo form's script follows (photo-script.ts).
 */
export const OFFLINE_PAGE_SCRIPT = `(function(){
${QUEUE_SCRIPT}
var pressed=null,WORDS={clock_in:'Clocked in',clock_out:'Clocked out'};
if('serviceWorker' in navigator)navigator.serviceWorker.register('/sw.js').catch(function(){});
function once(){var a=new Uint8Array(16);crypto.getRandomValues(a);return [].map.call(a,function(b){return('0'+b.toString(16)).slice(-2)}).join('')}
function clockOf(f){var m=f.getAttribute('action').match(/^\\/tickets\\/([^/]+)\\/(clock_in|clock_out)$/);return m&&{ticket:m[1],kind:m[2]}}
function hhmm(tz){try{return new Intl.DateTimeFormat('en-GB',{hour:'2-digit',minute:'2-digit',hourCycle:'h23',timeZone:tz}).format(new Date())}catch(x){return new Date().toTimeString().slice(0,5)}}
function mark(){var q=queue();[].forEach.call(document.querySelectorAll('[data-kept]'),function(p){p.remove()});
[].forEach.call(document.querySelectorAll('form[data-clock]'),function(f){var c=clockOf(f),b=f.querySelector('button'),last=null;if(!c)return;
q.forEach(function(i){if(i.ticket!==c.ticket||i.body===pressed)return;last=i.kind;var p=document.createElement('p');p.className='warn';p.setAttribute('role','status');p.setAttribute('data-kept','');
p.textContent=i.note+' \\u2014 will be sent when back online';f.parentNode.insertBefore(p,f)});
if(last==='clock_in'){f.setAttribute('action','/tickets/'+c.ticket+'/clock_out');b.textContent='Clock out';b.className='alt'}
f.hidden=last==='clock_out'})}
function offline(){pressed=null;mark()}
function answered(item,t,r){if(!item.ticket)return;
if(r.status>=400){var m=new DOMParser().parseFromString(t,'text/html').querySelector('main');if(m&&item.body===pressed){document.querySelector('main').innerHTML=m.innerHTML;pressed=null;mark();return}}
if(queue().length)return;if(item.body===pressed&&r.status<400)location.href=r.url;else location.reload()}
document.addEventListener('submit',function(ev){var f=ev.target,c=clockOf(f);if(!f.hasAttribute('data-clock')||!c)return;ev.preventDefault();
var fd=new FormData(f);fd.set('_once',once());
var item={url:f.getAttribute('action'),body:new URLSearchParams(fd).toString(),at:new Date().toISOString(),path:location.pathname,ticket:c.ticket,kind:c.kind,note:WORDS[c.kind]+' at '+hhmm(f.getAttribute('data-clock'))};
[].forEach.call(f.querySelectorAll('button'),function(x){x.disabled=true});
var done=function(){[].forEach.call(f.querySelectorAll('button'),function(x){x.disabled=false})};
if(busy||queue().length){item.body+='&at='+encodeURIComponent(item.at);put(queue().concat([item]));mark();done();flush();return}
busy=true;pressed=item.body;send(item).then(function(){busy=false;done()})});
mark();flush()})()
${PHOTO_SCRIPT}`
