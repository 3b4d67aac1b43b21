/**
 * The "Add photo" forms' script, part of the ticket and close-out pages' scripts; the forms work without it. A photo is
 * sent in the background with fetch, so the page (and the close-out on it) stays in use while it goes; a send that
 * finds no connection or a server error is tried again, with the same one-time token, for a few minutes. The status
 * line says where it stands. The form gets a fresh token for the next photo once this one is on its way.
 */
export const PHOTO_SCRIPT = `;(function(){
if(!window.fetch||!window.FormData)return;
function token(){var a=new Uint8Array(16);crypto.getRandomValues(a);return [].map.call(a,function(b){return ('0'+b.toString(16)).slice(-2)}).join('')}
document.addEventListener('submit',function(ev){var f=ev.target;if(!f.hasAttribute||!f.hasAttribute('data-photo'))return;ev.preventDefault();
var fd=new FormData(f),tries=0,s=document.createElement('p');s.className='muted';s.setAttribute('role','status');f.appendChild(s);
var key=f.querySelector('[name=_once]');f.reset();if(key)key.value=token();
function say(t){s.textContent=t}
function send(){tries++;say('Sending the photo…');fetch(f.action,{method:'POST',body:fd,credentials:'same-origin',redirect:'manual'}).then(function(r){
if(r.ok||r.type==='opaqueredirect'||(r.status>=300&&r.status<400)){say('Photo added.');return}
if(r.status>=400&&r.status<500&&r.status!==408&&r.status!==429){say(r.status===413?'Photo not added: the file is too large.':'Photo not added: it was refused.');return}
throw new Error(String(r.status))}).catch(function(){if(tries<8){say('No connection: the photo will be sent again by itself.');setTimeout(send,Math.min(60000,2000*Math.pow(2,tries)))}
else say('The photo could not be sent. Choose it again when there is signal.')})}
send()})})();`
