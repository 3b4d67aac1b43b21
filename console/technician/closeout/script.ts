import { QUEUE_SCRIPT } from '../offline/queue-script.js'
import { PHOTO_SCRIPT } from '../photo-script.js'

/**
 * The close-out pages' one inline script; everything works without it. It switches steps without reloads (the form
 * is POSTed with fetch and the answer's <main> swapped in), keeps a half-filled form in localStorage, queues a submit
 * that could not reach the server and sends it again (same one-time token, so it runs once) when the connection
 * returns (one queue with the clock buttons, offline/queue-script.ts), and replaces a card number or SSN typed into a
 * text field with [REDACTED] when the field loses focus.
 * The redaction is a simplified copy of core/sanitize.ts (the server's rule is the authoritative one). The photo form's
 * script follows (photo-script.ts).
 */
export const CLOSEOUT_SCRIPT = `(function(){
${QUEUE_SCRIPT}
var R='[REDACTED]';
function $m(){return document.querySelector('main')}
function form(){return $m().querySelector('form[data-closeout]')}
function kept(e){return e.name&&e.name!=='_csrf'&&e.name!=='_once'&&e.tagName!=='BUTTON'&&(e.type!=='hidden'||/^page_redactions/.test(e.name))}
function save(){var f=form();if(!f)return;var d=[];[].forEach.call(f.elements,function(e){if(kept(e))d.push([e.name,e.value,e.type==='checkbox'||e.type==='radio'?e.checked:null])});ls(D+location.pathname,JSON.stringify(d))}
function restore(){var f=form(),raw=ls(D+location.pathname);if(!f||!raw)return;try{JSON.parse(raw).forEach(function(r){[].forEach.call(f.elements,function(e){if(e.name!==r[0]||!kept(e))return;if(r[2]===null)e.value=r[1];else if(e.value===r[1])e.checked=r[2]})})}catch(x){}}
function luhn(d){var s=0;for(var i=0;i<d.length;i++){var n=+d[d.length-1-i];if(i%2){n*=2;if(n>9)n-=9}s+=n}return s%10===0}
function redact(t){var c=0,s=0;
t=t.replace(/(^|[^\\d-])(\\d{3}-\\d{2}-\\d{4})(?![-\\d])/g,function(m,p){s++;return p+R});
t=t.replace(/(^|[^\\d+])(\\d+(?:[ -]\\d+)*)/g,function(m,p,run){var g=run.split(/[ -]/),sep=run.match(/[ -]/g)||[];
for(var j=g.length;j>0;j--){var d=g.slice(0,j).join('');if(d.length>=13&&d.length<=19&&d[0]!=='0'&&luhn(d)){c++;var rest='';for(var k=j;k<g.length;k++)rest+=sep[k-1]+g[k];return p+R+rest}}return m});
return{t:t,c:c,s:s}}
function check(e){if(!e.matches||!e.matches('[data-redact]'))return;var r=redact(e.value);if(!r.c&&!r.s)return;e.value=r.t;
var f=e.form;['card','ssn'].forEach(function(k){var h=f&&f.querySelector('[name=page_redactions_'+k+']');if(h)h.value=(+h.value||0)+(k==='card'?r.c:r.s)});
var w=document.createElement('p');w.className='err';w.setAttribute('role','alert');w.textContent=(r.c?'A card number':'A social security number')+' was removed and replaced by '+R+'. Never write payment or ID numbers here.';e.insertAdjacentElement('afterend',w);save()}
function show(html,url){var doc=new DOMParser().parseFromString(html,'text/html'),m=doc.querySelector('main');if(!m){location.href=url||location.href;return}
$m().innerHTML=m.innerHTML;document.title=doc.title;if(url&&url!==location.href)history.pushState({},'',url);restore();scrollTo(0,0)}
function at(r){var u=r.headers.get('x-page-url');return u?new URL(u,location.href).href:r.url}
function offline(on){var n=document.getElementById('offline');if(n)n.style.display=on?'block':'none'}
function answered(item,t,r){if(/\\/closeout\\//.test(item.url))show(t,at(r))}
document.addEventListener('submit',function(ev){var f=ev.target;if(!f.hasAttribute('data-closeout'))return;ev.preventDefault();
[].forEach.call(f.querySelectorAll('[data-redact]'),check);var fd=new FormData(f),b=ev.submitter;if(b&&b.name)fd.append(b.name,b.value);
[].forEach.call(f.querySelectorAll('button'),function(x){x.disabled=true});busy=true;
send({url:f.action,body:new URLSearchParams(fd).toString(),path:location.pathname}).then(function(){busy=false})});
document.addEventListener('focusout',function(e){check(e.target)});
document.addEventListener('input',save);document.addEventListener('change',save);
addEventListener('popstate',function(){fetch(location.href,{credentials:'same-origin',headers:{'x-closeout-fetch':'1'}}).then(function(r){return r.text().then(function(t){show(t)})},function(){location.reload()})});
restore();flush()})()
${PHOTO_SCRIPT}`
