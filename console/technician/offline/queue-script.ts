/**
 * The technician pages' queue of form posts that could not reach the server, as a piece of the pages' inline scripts
 * (the close-out's and the Today and ticket pages'). One queue in localStorage, sent in order, one at a time, again
 * when the connection returns; each post keeps its one-time token, so one the server already ran is answered from its
 * stored answer instead of running twice; a post that says when it was made (item.at, a clock press) is kept with
 * that time, so it counts from the press, not from the replay (a live post leaves the time to the server's clock). The script that includes it defines answered(item, text, response), called
 * once the server answered a post, and offline(), called when a post could not be sent.
 */
export const QUEUE_SCRIPT = `var Q='closeout-queue',D='closeout-draft:',busy=false;
function ls(k,v){try{if(v===undefined)return localStorage.getItem(k);if(v===null)localStorage.removeItem(k);else localStorage.setItem(k,v)}catch(e){}}
function queue(){try{return JSON.parse(ls(Q)||'[]')}catch(x){return[]}}
function put(q){ls(Q,q.length?JSON.stringify(q):null)}
function send(item){return fetch(item.url,{method:'POST',body:item.body,credentials:'same-origin',headers:{'content-type':'application/x-www-form-urlencoded','x-closeout-fetch':'1'}}).then(function(r){
return r.text().then(function(t){put(queue().filter(function(i){return i.body!==item.body}));ls(D+item.path,null);answered(item,t,r)})},function(){
var q=queue();if(!q.some(function(i){return i.body===item.body})){if(item.at)item.body+='&at='+encodeURIComponent(item.at);q.push(item)}put(q);offline(true)})}
function flush(){var q=queue();if(busy||!q.length)return;busy=true;offline(true);send(q[0]).then(function(){busy=false;if(queue().length<q.length)flush()})}
addEventListener('online',flush);setInterval(flush,3000);`
